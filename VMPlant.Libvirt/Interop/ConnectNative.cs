using System.Runtime.InteropServices;

namespace VMPlant.Libvirt.Interop;

/// <summary>virConnect* and virNode* entry points.</summary>
internal static partial class ConnectNative
{
    [LibraryImport(LibvirtLibrary.Name, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial ConnectHandle virConnectOpen(string name);

    [LibraryImport(LibvirtLibrary.Name)]
    internal static partial int virConnectClose(nint conn);

    [LibraryImport(LibvirtLibrary.Name)]
    internal static partial int virConnectIsAlive(ConnectHandle conn);

    /// <summary>Returns a string the caller frees.</summary>
    [LibraryImport(LibvirtLibrary.Name)]
    internal static partial nint virConnectGetHostname(ConnectHandle conn);

    [LibraryImport(LibvirtLibrary.Name)]
    internal static partial int virNodeGetInfo(ConnectHandle conn, out NativeNodeInfo info);

    /// <summary>Allocates an array of virStoragePoolPtr the caller frees, as well as each element.</summary>
    [LibraryImport(LibvirtLibrary.Name)]
    internal static partial int virConnectListAllStoragePools(ConnectHandle conn, out nint pools, uint flags);

    /// <summary>Allocates an array of virDomainPtr the caller frees, as well as each element.</summary>
    [LibraryImport(LibvirtLibrary.Name)]
    internal static partial int virConnectListAllDomains(ConnectHandle conn, out nint domains, uint flags);
}
