using Microsoft.Win32.SafeHandles;

namespace VMPlant.Libvirt.Interop;

/// <summary>Owns one reference to a libvirt virDomainPtr; released with virDomainFree.</summary>
internal sealed class DomainHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    // Used by the source-generated marshaller for returned pointers.
    public DomainHandle() : base(ownsHandle: true) { }

    // Used for pointers taken out of libvirt-allocated arrays.
    internal DomainHandle(nint existing) : base(ownsHandle: true) => SetHandle(existing);

    protected override bool ReleaseHandle() => DomainNative.virDomainFree(handle) == 0;
}
