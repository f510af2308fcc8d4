using System.Runtime.InteropServices;

namespace VMPlant.Libvirt.Interop;

/// <summary>
/// Leading fields of libvirt's virError; only read through a pointer libvirt owns, never
/// allocated here, so the trailing fields can be left out.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal struct NativeError
{
    public int Code;
    public int Domain;
    public nint Message;
}
