using System.Runtime.InteropServices;

namespace VMPlant.Libvirt.Interop;

/// <summary>virStoragePool* entry points.</summary>
internal static partial class StoragePoolNative
{
    [LibraryImport(LibvirtLibrary.Name)]
    internal static partial int virStoragePoolFree(nint pool);

    [LibraryImport(LibvirtLibrary.Name, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial StoragePoolHandle virStoragePoolLookupByName(ConnectHandle conn, string name);

    /// <summary>Returns a string owned by the pool object.</summary>
    [LibraryImport(LibvirtLibrary.Name)]
    internal static partial nint virStoragePoolGetName(StoragePoolHandle pool);

    [LibraryImport(LibvirtLibrary.Name)]
    internal static partial int virStoragePoolGetInfo(StoragePoolHandle pool, out NativeStoragePoolInfo info);

    [LibraryImport(LibvirtLibrary.Name)]
    internal static partial int virStoragePoolRefresh(StoragePoolHandle pool, uint flags);

    [LibraryImport(LibvirtLibrary.Name, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial StoragePoolHandle virStoragePoolDefineXML(ConnectHandle conn, string xml, uint flags);

    [LibraryImport(LibvirtLibrary.Name)]
    internal static partial int virStoragePoolBuild(StoragePoolHandle pool, uint flags);

    [LibraryImport(LibvirtLibrary.Name)]
    internal static partial int virStoragePoolCreate(StoragePoolHandle pool, uint flags);

    [LibraryImport(LibvirtLibrary.Name)]
    internal static partial int virStoragePoolIsActive(StoragePoolHandle pool);

    [LibraryImport(LibvirtLibrary.Name)]
    internal static partial int virStoragePoolSetAutostart(StoragePoolHandle pool, int autostart);

    /// <summary>Allocates an array of virStorageVolPtr the caller frees, as well as each element.</summary>
    [LibraryImport(LibvirtLibrary.Name)]
    internal static partial int virStoragePoolListAllVolumes(StoragePoolHandle pool, out nint volumes, uint flags);
}
