using System.Runtime.InteropServices;

namespace VMPlant.Libvirt.Interop;

/// <summary>libvirt's virNodeInfo.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct NativeNodeInfo
{
    public fixed byte Model[32];
    public CULong Memory;
    public uint Cpus;
    public int Mhz;
    public uint Nodes;
    public uint Sockets;
    public uint Cores;
    public uint Threads;
}
