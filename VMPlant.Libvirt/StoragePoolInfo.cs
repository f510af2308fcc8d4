namespace VMPlant.Libvirt;

/// <summary>Sizes in bytes, from virStoragePoolGetInfo.</summary>
public sealed record StoragePoolInfo(StoragePoolState State, ulong CapacityBytes, ulong AllocationBytes, ulong AvailableBytes);
