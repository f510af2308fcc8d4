namespace VMPlant.Libvirt;

/// <summary>Sizes in bytes, from virStorageVolGetInfo.</summary>
public sealed record StorageVolumeInfo(StorageVolumeType Type, ulong CapacityBytes, ulong AllocationBytes);
