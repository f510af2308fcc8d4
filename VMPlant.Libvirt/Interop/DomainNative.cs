using System.Runtime.InteropServices;

namespace VMPlant.Libvirt.Interop;

/// <summary>virDomain* entry points.</summary>
internal static unsafe partial class DomainNative
{
    internal const int UuidStringBufferLength = 37; // VIR_UUID_STRING_BUFLEN
    internal const int MetadataElement = 2; // VIR_DOMAIN_METADATA_ELEMENT
    internal const uint AffectLive = 1; // VIR_DOMAIN_AFFECT_LIVE
    internal const uint AffectConfig = 2; // VIR_DOMAIN_AFFECT_CONFIG
    internal const uint UndefineManagedSave = 1; // VIR_DOMAIN_UNDEFINE_MANAGED_SAVE
    internal const uint UndefineSnapshotsMetadata = 2; // VIR_DOMAIN_UNDEFINE_SNAPSHOTS_METADATA
    internal const uint UndefineNvram = 4; // VIR_DOMAIN_UNDEFINE_NVRAM

    [LibraryImport(LibvirtLibrary.Name)]
    internal static partial int virDomainFree(nint domain);

    [LibraryImport(LibvirtLibrary.Name, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial DomainHandle virDomainDefineXML(ConnectHandle conn, string xml);

    [LibraryImport(LibvirtLibrary.Name, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial DomainHandle virDomainLookupByName(ConnectHandle conn, string name);

    /// <summary>Returns a string owned by the domain object.</summary>
    [LibraryImport(LibvirtLibrary.Name)]
    internal static partial nint virDomainGetName(DomainHandle domain);

    [LibraryImport(LibvirtLibrary.Name)]
    internal static partial int virDomainGetUUIDString(DomainHandle domain, byte* buffer);

    [LibraryImport(LibvirtLibrary.Name)]
    internal static partial int virDomainCreate(DomainHandle domain);

    [LibraryImport(LibvirtLibrary.Name)]
    internal static partial int virDomainDestroy(DomainHandle domain);

    [LibraryImport(LibvirtLibrary.Name)]
    internal static partial int virDomainSuspend(DomainHandle domain);

    [LibraryImport(LibvirtLibrary.Name)]
    internal static partial int virDomainResume(DomainHandle domain);

    [LibraryImport(LibvirtLibrary.Name)]
    internal static partial int virDomainUndefineFlags(DomainHandle domain, uint flags);

    [LibraryImport(LibvirtLibrary.Name)]
    internal static partial int virDomainUndefine(DomainHandle domain);

    [LibraryImport(LibvirtLibrary.Name)]
    internal static partial int virDomainGetState(DomainHandle domain, out int state, out int reason, uint flags);

    [LibraryImport(LibvirtLibrary.Name)]
    internal static partial int virDomainIsActive(DomainHandle domain);

    [LibraryImport(LibvirtLibrary.Name)]
    internal static partial int virDomainIsPersistent(DomainHandle domain);

    /// <summary>Returns a string the caller frees.</summary>
    [LibraryImport(LibvirtLibrary.Name)]
    internal static partial nint virDomainGetXMLDesc(DomainHandle domain, uint flags);

    [LibraryImport(LibvirtLibrary.Name, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int virDomainSetMetadata(
        DomainHandle domain, int type, string metadata, string key, string uri, uint flags);

    /// <summary>Returns a string the caller frees.</summary>
    [LibraryImport(LibvirtLibrary.Name, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial nint virDomainGetMetadata(DomainHandle domain, int type, string uri, uint flags);
}
