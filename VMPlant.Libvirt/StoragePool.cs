using VMPlant.Libvirt.Interop;

namespace VMPlant.Libvirt;

/// <summary>A libvirt storage pool (virStoragePoolPtr).</summary>
public sealed class StoragePool : IDisposable
{
    private readonly StoragePoolHandle _handle;

    internal StoragePool(StoragePoolHandle handle) => _handle = handle;

    public string Name =>
        NativeStrings.Borrow(StoragePoolNative.virStoragePoolGetName(_handle))
        ?? throw LibvirtException.FromLastError(nameof(StoragePoolNative.virStoragePoolGetName), () => "a pool");

    /// <summary>virStoragePoolGetInfo. On the test driver the capacity is always 100 GiB; see <see cref="TestNodeXml"/>.</summary>
    public StoragePoolInfo GetInfo()
    {
        if (StoragePoolNative.virStoragePoolGetInfo(_handle, out var info) < 0)
            throw Failure(nameof(StoragePoolNative.virStoragePoolGetInfo));
        return new StoragePoolInfo((StoragePoolState)info.State, info.Capacity, info.Allocation, info.Available);
    }

    /// <summary>
    /// virStorageVolCreateXML: a new volume, or a copy-on-write overlay when the XML has a
    /// &lt;backingStore&gt; (see <see cref="VolumeXml"/>). Fails with libvirt's "Not enough free
    /// space in pool" when the volume's allocation does not fit.
    /// </summary>
    public StorageVolume CreateVolume(string xml) =>
        Created(StorageVolNative.virStorageVolCreateXML(_handle, xml, 0),
            nameof(StorageVolNative.virStorageVolCreateXML), xml);

    /// <summary>virStorageVolCreateXMLFrom: a new volume holding a full copy of <paramref name="source"/>.</summary>
    public StorageVolume CloneVolume(string xml, StorageVolume source) =>
        Created(StorageVolNative.virStorageVolCreateXMLFrom(_handle, xml, source.Handle, 0),
            nameof(StorageVolNative.virStorageVolCreateXMLFrom), xml);

    public StorageVolume LookupVolumeByName(string name) => LookupVolume(name, nullIfMissing: false)!;

    /// <summary>As <see cref="LookupVolumeByName"/>, but null when there is no such volume (VIR_ERR_NO_STORAGE_VOL).</summary>
    public StorageVolume? TryLookupVolumeByName(string name) => LookupVolume(name, nullIfMissing: true);

    /// <summary>virStoragePoolListAllVolumes. Dispose each.</summary>
    public IReadOnlyList<StorageVolume> ListAllVolumes()
    {
        var count = StoragePoolNative.virStoragePoolListAllVolumes(_handle, out var array, 0);
        if (count < 0)
            throw Failure(nameof(StoragePoolNative.virStoragePoolListAllVolumes));
        return NativeArrays.Take(array, count, p => new StorageVolume(new StorageVolHandle(p)));
    }

    /// <summary>virStoragePoolRefresh: rescans the pool's target for volumes changed outside libvirt.</summary>
    public void Refresh()
    {
        if (StoragePoolNative.virStoragePoolRefresh(_handle, 0) < 0)
            throw Failure(nameof(StoragePoolNative.virStoragePoolRefresh));
    }

    /// <summary>virStoragePoolIsActive.</summary>
    public bool IsActive() => StoragePoolNative.virStoragePoolIsActive(_handle) switch
    {
        1 => true,
        0 => false,
        _ => throw Failure(nameof(StoragePoolNative.virStoragePoolIsActive)),
    };

    /// <summary>virStoragePoolBuild then virStoragePoolCreate: makes the pool's target (a directory) and starts the pool; autostart on.</summary>
    public void BuildAndStart()
    {
        if (StoragePoolNative.virStoragePoolBuild(_handle, 0) < 0)
            throw Failure(nameof(StoragePoolNative.virStoragePoolBuild));
        if (StoragePoolNative.virStoragePoolCreate(_handle, 0) < 0)
            throw Failure(nameof(StoragePoolNative.virStoragePoolCreate));
        if (StoragePoolNative.virStoragePoolSetAutostart(_handle, 1) < 0)
            throw Failure(nameof(StoragePoolNative.virStoragePoolSetAutostart));
    }

    public void Dispose() => _handle.Dispose();

    private StorageVolume Created(StorageVolHandle handle, string operation, string xml)
    {
        if (!handle.IsInvalid)
            return new StorageVolume(handle);
        handle.Dispose();
        throw Failure(operation, XmlObjectName.Describe("volume", xml));
    }

    private StorageVolume? LookupVolume(string name, bool nullIfMissing)
    {
        var handle = StorageVolNative.virStorageVolLookupByName(_handle, name);
        if (!handle.IsInvalid)
            return new StorageVolume(handle);
        handle.Dispose();
        var error = Failure(nameof(StorageVolNative.virStorageVolLookupByName), $"volume '{name}'");
        return nullIfMissing && error.Code == LibvirtErrorCodes.NoStorageVol ? null : throw error;
    }

    private LibvirtException Failure(string operation, string? detail = null) =>
        LibvirtException.FromLastError(operation, () => detail is null ? $"pool '{Name}'" : $"pool '{Name}' ({detail})");
}
