namespace VMPlant.Libvirt;

/// <summary>The host as libvirt's virNodeGetInfo describes it.</summary>
/// <param name="Cpus">Active logical CPUs.</param>
/// <param name="MhZ">Expected CPU frequency in MHz, 0 when unknown.</param>
public sealed record NodeInfo(
    string Model, ulong MemoryKiB, uint Cpus, uint MhZ, uint Nodes, uint Sockets, uint Cores, uint Threads);
