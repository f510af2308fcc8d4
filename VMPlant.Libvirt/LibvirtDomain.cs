using System.Text;
using VMPlant.Libvirt.Interop;

namespace VMPlant.Libvirt;

/// <summary>A libvirt domain, i.e. a VM (virDomainPtr).</summary>
public sealed class LibvirtDomain : IDisposable
{
    private readonly DomainHandle _handle;

    internal LibvirtDomain(DomainHandle handle) => _handle = handle;

    public string Name =>
        NativeStrings.Borrow(DomainNative.virDomainGetName(_handle))
        ?? throw LibvirtException.FromLastError(nameof(DomainNative.virDomainGetName), () => "a domain");

    /// <summary>virDomainGetUUIDString, e.g. "4dea22b3-1d52-d8f3-2516-782e98ab3fa0".</summary>
    public unsafe string Uuid
    {
        get
        {
            var buffer = stackalloc byte[DomainNative.UuidStringBufferLength];
            if (DomainNative.virDomainGetUUIDString(_handle, buffer) < 0)
                throw Failure(nameof(DomainNative.virDomainGetUUIDString));
            return Encoding.ASCII.GetString(buffer, DomainNative.UuidStringBufferLength - 1);
        }
    }

    /// <summary>virDomainCreate: starts the defined domain.</summary>
    public void Create() => Check(DomainNative.virDomainCreate(_handle), nameof(DomainNative.virDomainCreate));

    /// <summary>virDomainDestroy: stops the domain at once (power cut); its definition stays.</summary>
    public void Destroy() => Check(DomainNative.virDomainDestroy(_handle), nameof(DomainNative.virDomainDestroy));

    public void Suspend() => Check(DomainNative.virDomainSuspend(_handle), nameof(DomainNative.virDomainSuspend));

    public void Resume() => Check(DomainNative.virDomainResume(_handle), nameof(DomainNative.virDomainResume));

    /// <summary>
    /// Removes the definition, together with any managed-save image, snapshot metadata and NVRAM
    /// file, which would otherwise make libvirt refuse. A running domain keeps running, now
    /// transient, until destroyed.
    /// </summary>
    /// <remarks>
    /// Drivers without NVRAM, such as the test driver, reject that flag with VIR_ERR_INVALID_ARG
    /// ("unsupported flags"); the call is then repeated without it. Drivers without
    /// virDomainUndefineFlags at all get plain virDomainUndefine.
    /// </remarks>
    public void Undefine()
    {
        const uint withoutNvram = DomainNative.UndefineManagedSave | DomainNative.UndefineSnapshotsMetadata;
        if (DomainNative.virDomainUndefineFlags(_handle, withoutNvram | DomainNative.UndefineNvram) == 0)
            return;
        var error = Failure(nameof(DomainNative.virDomainUndefineFlags));
        switch (error.Code)
        {
            case LibvirtErrorCodes.InvalidArg:
                Check(DomainNative.virDomainUndefineFlags(_handle, withoutNvram), nameof(DomainNative.virDomainUndefineFlags));
                break;
            case LibvirtErrorCodes.NoSupport:
                Check(DomainNative.virDomainUndefine(_handle), nameof(DomainNative.virDomainUndefine));
                break;
            default:
                throw error;
        }
    }

    /// <summary>virDomainGetState.</summary>
    public DomainState GetState()
    {
        if (DomainNative.virDomainGetState(_handle, out var state, out _, 0) < 0)
            throw Failure(nameof(DomainNative.virDomainGetState));
        return (DomainState)state;
    }

    /// <summary>virDomainIsActive: true while running or paused.</summary>
    public bool IsActive() => DomainNative.virDomainIsActive(_handle) switch
    {
        < 0 => throw Failure(nameof(DomainNative.virDomainIsActive)),
        var active => active == 1,
    };

    /// <summary>
    /// virDomainIsPersistent: true when the domain has a persistent definition, false for a
    /// transient one (created without define, or undefined while running), which vanishes once it stops.
    /// </summary>
    public bool IsPersistent() => DomainNative.virDomainIsPersistent(_handle) switch
    {
        < 0 => throw Failure(nameof(DomainNative.virDomainIsPersistent)),
        var persistent => persistent == 1,
    };

    /// <summary>virDomainGetXMLDesc: the live definition while running, else the persistent one.</summary>
    public string GetXmlDesc() => GetXmlDesc(DomainXmlFlags.None);

    /// <summary>
    /// virDomainGetXMLDesc with <paramref name="flags"/>, e.g. <see cref="DomainXmlFlags.Inactive"/>
    /// for the persistent definition of a running domain (what a restart would boot).
    /// </summary>
    public string GetXmlDesc(DomainXmlFlags flags) =>
        NativeStrings.Take(DomainNative.virDomainGetXMLDesc(_handle, (uint)flags))
        ?? throw Failure(nameof(DomainNative.virDomainGetXMLDesc));

    /// <summary>
    /// Stores <paramref name="xmlFragment"/> (one element) as the domain's metadata for
    /// <paramref name="namespaceUri"/>, replacing what was there; libvirt writes it with the prefix
    /// <paramref name="key"/>. Goes into the persistent definition and, while the domain runs,
    /// into the live one too (libvirt rejects the live one for a domain that is not running).
    /// </summary>
    /// <remarks>
    /// Whether the domain runs is checked just before the call: if it stops in between, libvirt
    /// fails the call; if it starts in between, only the persistent definition gets the metadata.
    /// </remarks>
    public void SetMetadata(string xmlFragment, string key, string namespaceUri)
    {
        var flags = DomainNative.AffectConfig | (IsActive() ? DomainNative.AffectLive : 0);
        Check(DomainNative.virDomainSetMetadata(_handle, DomainNative.MetadataElement, xmlFragment, key, namespaceUri, flags),
            nameof(DomainNative.virDomainSetMetadata), $"namespace '{namespaceUri}'");
    }

    /// <summary>
    /// The metadata element for <paramref name="namespaceUri"/>, from the live definition while
    /// running, else the persistent one; null when there is none (VIR_ERR_NO_DOMAIN_METADATA).
    /// libvirt returns it without namespace or prefix, e.g. &lt;vm&gt;&lt;owner&gt;…&lt;/owner&gt;&lt;/vm&gt;.
    /// </summary>
    public string? GetMetadata(string namespaceUri)
    {
        var xml = NativeStrings.Take(DomainNative.virDomainGetMetadata(_handle, DomainNative.MetadataElement, namespaceUri, 0));
        if (xml is not null)
            return xml;
        var error = Failure(nameof(DomainNative.virDomainGetMetadata), $"namespace '{namespaceUri}'");
        return error.Code == LibvirtErrorCodes.NoDomainMetadata ? null : throw error;
    }

    public void Dispose() => _handle.Dispose();

    private void Check(int rc, string operation, string? detail = null)
    {
        if (rc < 0)
            throw Failure(operation, detail);
    }

    private LibvirtException Failure(string operation, string? detail = null) =>
        LibvirtException.FromLastError(operation, () => detail is null ? $"domain '{Name}'" : $"domain '{Name}' ({detail})");
}
