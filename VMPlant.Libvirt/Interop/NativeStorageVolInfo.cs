using System.Runtime.InteropServices;

namespace VMPlant.Libvirt.Interop;

/// <summary>libvirt's virStorageVolInfo.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct NativeStorageVolInfo
{
    public int Type;
    public ulong Capacity;
    public ulong Allocation;
}
