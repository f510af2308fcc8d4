namespace VMPlant.Libvirt;

/// <summary>The virErrorNumber values this layer reacts to.</summary>
internal static class LibvirtErrorCodes
{
    public const int NoSupport = 3; // VIR_ERR_NO_SUPPORT
    public const int InvalidArg = 8; // VIR_ERR_INVALID_ARG
    public const int NoDomain = 42; // VIR_ERR_NO_DOMAIN
    public const int NoStorageVol = 50; // VIR_ERR_NO_STORAGE_VOL
    public const int NoDomainMetadata = 80; // VIR_ERR_NO_DOMAIN_METADATA
}
