using VMPlant.Libvirt.Interop;

namespace VMPlant.Libvirt;

/// <summary>A libvirt storage volume (virStorageVolPtr).</summary>
public sealed class StorageVolume : IDisposable
{
    internal StorageVolume(StorageVolHandle handle) => Handle = handle;

    internal StorageVolHandle Handle { get; }

    public string Name =>
        NativeStrings.Borrow(StorageVolNative.virStorageVolGetName(Handle))
        ?? throw LibvirtException.FromLastError(nameof(StorageVolNative.virStorageVolGetName), () => "a volume");

    /// <summary>virStorageVolGetPath: where the volume lives on the host, e.g. the image file.</summary>
    public string Path => NativeStrings.Take(StorageVolNative.virStorageVolGetPath(Handle))
        ?? throw Failure(nameof(StorageVolNative.virStorageVolGetPath));

    /// <summary>virStorageVolGetKey: libvirt's host-wide unique key (for file volumes, the path).</summary>
    public string Key => NativeStrings.Borrow(StorageVolNative.virStorageVolGetKey(Handle))
        ?? throw Failure(nameof(StorageVolNative.virStorageVolGetKey));

    public StorageVolumeInfo GetInfo()
    {
        if (StorageVolNative.virStorageVolGetInfo(Handle, out var info) < 0)
            throw Failure(nameof(StorageVolNative.virStorageVolGetInfo));
        return new StorageVolumeInfo((StorageVolumeType)info.Type, info.Capacity, info.Allocation);
    }

    /// <summary>virStorageVolDelete: removes the volume from its pool (and its data from the host).</summary>
    public void Delete()
    {
        if (StorageVolNative.virStorageVolDelete(Handle, 0) < 0)
            throw Failure(nameof(StorageVolNative.virStorageVolDelete));
    }

    public string GetXmlDesc() =>
        NativeStrings.Take(StorageVolNative.virStorageVolGetXMLDesc(Handle, 0))
        ?? throw Failure(nameof(StorageVolNative.virStorageVolGetXMLDesc));

    public void Dispose() => Handle.Dispose();

    private LibvirtException Failure(string operation) =>
        LibvirtException.FromLastError(operation, () => $"volume '{Name}'");
}
