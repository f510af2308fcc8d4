namespace VMPlant.Libvirt;

/// <summary>libvirt's virStorageVolType.</summary>
public enum StorageVolumeType
{
    File = 0,
    Block = 1,
    Dir = 2,
    Network = 3,
    NetDir = 4,
    Ploop = 5,
}
