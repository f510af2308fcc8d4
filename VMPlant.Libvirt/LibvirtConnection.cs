using System.Runtime.InteropServices;
using VMPlant.Libvirt.Interop;

namespace VMPlant.Libvirt;

/// <summary>
/// A read-write connection to a libvirt driver (virConnectPtr). Thread-safe, as libvirt
/// connections are. Domains, pools and volumes obtained from it hold their own reference to the
/// connection, so they stay usable after it is disposed; dispose them as well.
/// </summary>
/// <remarks>
/// The in-process test driver (no daemon) gives fake hosts:
/// <list type="bullet">
/// <item><c>test:///default</c>: one host per process, shared by every such connection.</item>
/// <item><c>test:///ABSOLUTE/PATH.xml</c> (see <see cref="TestNodeXml"/>): a fresh host per
/// <em>connection</em>, built from the file when the connection opens. Two connections to the same
/// file do not see each other's domains or volumes, and nothing is written back to the file.
/// Share one connection wherever one fake host is meant.</item>
/// </list>
/// </remarks>
public sealed class LibvirtConnection : IDisposable
{
    private readonly ConnectHandle _handle;

    private LibvirtConnection(ConnectHandle handle, string uri)
    {
        _handle = handle;
        Uri = uri;
    }

    /// <summary>The URI this connection was opened with.</summary>
    public string Uri { get; }

    /// <summary>
    /// What virConnectClose returned when the connection was disposed: the references libvirt
    /// objects not yet disposed still held on it. 0 means nothing handed out was leaked.
    /// </summary>
    internal int? ReferencesLeftAtClose => _handle.ReferencesLeftAtClose;

    /// <summary>Opens a read-write connection (virConnectOpen), e.g. "qemu:///system" or "test:///default".</summary>
    public static LibvirtConnection Open(string uri)
    {
        ArgumentException.ThrowIfNullOrEmpty(uri);
        LibvirtRuntime.EnsureInitialized();
        var handle = ConnectNative.virConnectOpen(uri);
        if (handle.IsInvalid)
        {
            handle.Dispose();
            throw LibvirtException.FromLastError(nameof(ConnectNative.virConnectOpen), () => $"connection '{uri}'");
        }
        return new LibvirtConnection(handle, uri);
    }

    /// <summary>virNodeGetInfo: the host's CPUs, memory and CPU model.</summary>
    public unsafe NodeInfo GetNodeInfo()
    {
        if (ConnectNative.virNodeGetInfo(_handle, out var info) < 0)
            throw Failure(nameof(ConnectNative.virNodeGetInfo));
        return new NodeInfo(
            Marshal.PtrToStringUTF8((nint)info.Model) ?? "",
            info.Memory.Value, info.Cpus, (uint)info.Mhz, info.Nodes, info.Sockets, info.Cores, info.Threads);
    }

    /// <summary>virConnectIsAlive: false once a remote connection has dropped.</summary>
    public bool IsAlive() => ConnectNative.virConnectIsAlive(_handle) switch
    {
        < 0 => throw Failure(nameof(ConnectNative.virConnectIsAlive)),
        var alive => alive == 1,
    };

    /// <summary>virConnectGetHostname: the host's name as libvirt reports it.</summary>
    public string GetHostname() =>
        NativeStrings.Take(ConnectNative.virConnectGetHostname(_handle))
        ?? throw Failure(nameof(ConnectNative.virConnectGetHostname));

    public StoragePool LookupStoragePoolByName(string name)
    {
        var handle = StoragePoolNative.virStoragePoolLookupByName(_handle, name);
        if (handle.IsInvalid)
        {
            handle.Dispose();
            throw Failure(nameof(StoragePoolNative.virStoragePoolLookupByName), $"pool '{name}'");
        }
        return new StoragePool(handle);
    }

    /// <summary>virStoragePoolDefineXML: a persistent, inactive pool (see <see cref="PoolXml"/>).</summary>
    public StoragePool DefineStoragePool(string xml)
    {
        var handle = StoragePoolNative.virStoragePoolDefineXML(_handle, xml, 0);
        if (handle.IsInvalid)
        {
            handle.Dispose();
            throw Failure(nameof(StoragePoolNative.virStoragePoolDefineXML), XmlObjectName.Describe("pool", xml));
        }
        return new StoragePool(handle);
    }

    /// <summary>virConnectListAllStoragePools: active and inactive pools. Dispose each.</summary>
    public IReadOnlyList<StoragePool> ListAllStoragePools()
    {
        var count = ConnectNative.virConnectListAllStoragePools(_handle, out var array, 0);
        if (count < 0)
            throw Failure(nameof(ConnectNative.virConnectListAllStoragePools));
        return NativeArrays.Take(array, count, p => new StoragePool(new StoragePoolHandle(p)));
    }

    /// <summary>virDomainDefineXML: defines (or redefines) a persistent domain without starting it.</summary>
    public LibvirtDomain DefineDomain(string xml)
    {
        var handle = DomainNative.virDomainDefineXML(_handle, xml);
        if (handle.IsInvalid)
        {
            handle.Dispose();
            throw Failure(nameof(DomainNative.virDomainDefineXML), XmlObjectName.Describe("domain", xml));
        }
        return new LibvirtDomain(handle);
    }

    public LibvirtDomain LookupDomainByName(string name) => LookupDomain(name, nullIfMissing: false)!;

    /// <summary>As <see cref="LookupDomainByName"/>, but null when there is no such domain (VIR_ERR_NO_DOMAIN).</summary>
    public LibvirtDomain? TryLookupDomainByName(string name) => LookupDomain(name, nullIfMissing: true);

    /// <summary>virConnectListAllDomains: running and defined domains. Dispose each.</summary>
    public IReadOnlyList<LibvirtDomain> ListAllDomains()
    {
        var count = ConnectNative.virConnectListAllDomains(_handle, out var array, 0);
        if (count < 0)
            throw Failure(nameof(ConnectNative.virConnectListAllDomains));
        return NativeArrays.Take(array, count, p => new LibvirtDomain(new DomainHandle(p)));
    }

    public void Dispose() => _handle.Dispose();

    private LibvirtDomain? LookupDomain(string name, bool nullIfMissing)
    {
        var handle = DomainNative.virDomainLookupByName(_handle, name);
        if (!handle.IsInvalid)
            return new LibvirtDomain(handle);
        handle.Dispose();
        var error = Failure(nameof(DomainNative.virDomainLookupByName), $"domain '{name}'");
        return nullIfMissing && error.Code == LibvirtErrorCodes.NoDomain ? null : throw error;
    }

    private LibvirtException Failure(string operation, string? detail = null) =>
        LibvirtException.FromLastError(operation, () => detail is null ? $"connection '{Uri}'" : $"connection '{Uri}' ({detail})");
}
