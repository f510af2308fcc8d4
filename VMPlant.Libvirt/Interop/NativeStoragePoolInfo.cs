using System.Runtime.InteropServices;

namespace VMPlant.Libvirt.Interop;

/// <summary>libvirt's virStoragePoolInfo.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct NativeStoragePoolInfo
{
    public int State;
    public ulong Capacity;
    public ulong Allocation;
    public ulong Available;
}
