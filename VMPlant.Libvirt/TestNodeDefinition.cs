namespace VMPlant.Libvirt;

/// <summary>A fake host for libvirt's test driver; see <see cref="TestNodeXml"/>.</summary>
/// <param name="PoolCapacityBytes">Space volumes may use, at most <see cref="TestNodeXml.DriverPoolCapacityBytes"/>.</param>
/// <param name="PoolPath">The pool's target directory; only a name, the test driver never touches it.</param>
public sealed record TestNodeDefinition(
    int Cpus, long MemoryMiB, string PoolName, long PoolCapacityBytes, string PoolPath = "/var/lib/vmplant/images");
