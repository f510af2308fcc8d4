using System.Runtime.InteropServices;

namespace VMPlant.Libvirt.Interop;

/// <summary>virStorageVol* entry points.</summary>
internal static partial class StorageVolNative
{
    [LibraryImport(LibvirtLibrary.Name)]
    internal static partial int virStorageVolFree(nint volume);

    [LibraryImport(LibvirtLibrary.Name, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial StorageVolHandle virStorageVolCreateXML(StoragePoolHandle pool, string xml, uint flags);

    [LibraryImport(LibvirtLibrary.Name, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial StorageVolHandle virStorageVolCreateXMLFrom(
        StoragePoolHandle pool, string xml, StorageVolHandle source, uint flags);

    [LibraryImport(LibvirtLibrary.Name, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial StorageVolHandle virStorageVolLookupByName(StoragePoolHandle pool, string name);

    /// <summary>Returns a string owned by the volume object.</summary>
    [LibraryImport(LibvirtLibrary.Name)]
    internal static partial nint virStorageVolGetName(StorageVolHandle volume);

    /// <summary>Returns a string owned by the volume object.</summary>
    [LibraryImport(LibvirtLibrary.Name)]
    internal static partial nint virStorageVolGetKey(StorageVolHandle volume);

    /// <summary>Returns a string the caller frees.</summary>
    [LibraryImport(LibvirtLibrary.Name)]
    internal static partial nint virStorageVolGetPath(StorageVolHandle volume);

    [LibraryImport(LibvirtLibrary.Name)]
    internal static partial int virStorageVolGetInfo(StorageVolHandle volume, out NativeStorageVolInfo info);

    [LibraryImport(LibvirtLibrary.Name)]
    internal static partial int virStorageVolDelete(StorageVolHandle volume, uint flags);

    /// <summary>Returns a string the caller frees.</summary>
    [LibraryImport(LibvirtLibrary.Name)]
    internal static partial nint virStorageVolGetXMLDesc(StorageVolHandle volume, uint flags);
}
