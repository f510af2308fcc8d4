using Microsoft.Win32.SafeHandles;

namespace VMPlant.Libvirt.Interop;

/// <summary>Owns one reference to a libvirt virConnectPtr; released with virConnectClose.</summary>
internal sealed class ConnectHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    // Used by the source-generated marshaller for returned pointers.
    public ConnectHandle() : base(ownsHandle: true) { }

    /// <summary>
    /// What virConnectClose returned: the references other libvirt objects (domains, pools, volumes
    /// not yet freed) still hold on the connection. 0 means every object handed out was released.
    /// </summary>
    internal int? ReferencesLeftAtClose { get; private set; }

    protected override bool ReleaseHandle()
    {
        var left = ConnectNative.virConnectClose(handle);
        ReferencesLeftAtClose = left;
        return left >= 0;
    }
}
