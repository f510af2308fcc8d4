using System.Xml.Linq;

namespace VMPlant.Libvirt;

/// <summary>
/// Builds the node file of libvirt's test driver: save it and open <c>test:///ABSOLUTE/PATH.xml</c>
/// to get a fake host with these CPUs and memory and one active dir pool. Each connection opened
/// on the file gets its own copy of that host (see <see cref="LibvirtConnection"/>).
/// </summary>
/// <remarks>
/// The test driver ignores a pool's &lt;capacity&gt; and gives every pool
/// <see cref="DriverPoolCapacityBytes"/>, but it does count the allocation of volumes listed in
/// the file. So a pool smaller than that holds one volume, <see cref="ReserveVolumeName"/>, whose
/// allocation is the difference: the pool reports 100 GiB capacity, but its available bytes are
/// <see cref="TestNodeDefinition.PoolCapacityBytes"/>, and creating volumes beyond that fails with
/// "Not enough free space in pool".
/// </remarks>
public static class TestNodeXml
{
    /// <summary>The capacity the test driver gives every pool (its defaultPoolCap; checked on libvirt 9.0).</summary>
    public const long DriverPoolCapacityBytes = 100L * 1024 * 1024 * 1024;

    /// <summary>The volume that takes up the part of the pool beyond the requested capacity.</summary>
    public const string ReserveVolumeName = "test-driver-capacity-reserve";

    /// <exception cref="ArgumentException">Unsafe pool name, or a size out of range.</exception>
    public static string Build(TestNodeDefinition n) => Node(n, volumes: [], domains: []).ToString();

    /// <summary>What <see cref="ReserveVolumeName"/> takes up of the pool for <paramref name="n"/>; 0 means no reserve volume.</summary>
    internal static long ReserveBytes(TestNodeDefinition n) => DriverPoolCapacityBytes - n.PoolCapacityBytes;

    /// <summary>
    /// The &lt;node&gt; element for <paramref name="n"/>, its pool also holding <paramref name="volumes"/>
    /// (&lt;volume&gt; elements) and the node <paramref name="domains"/> (&lt;domain&gt; elements).
    /// </summary>
    internal static XElement Node(TestNodeDefinition n, IEnumerable<XElement> volumes, IEnumerable<XElement> domains)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(n.Cpus);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(n.MemoryMiB);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(n.PoolCapacityBytes);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(n.PoolCapacityBytes, DriverPoolCapacityBytes);
        LibvirtNames.EnsureSafe(n.PoolName, "pool");
        ArgumentException.ThrowIfNullOrEmpty(n.PoolPath);

        var reserve = ReserveBytes(n);
        return new XElement("node",
            new XElement("cpu",
                new XElement("mhz", 2000),
                new XElement("model", "x86_64"),
                new XElement("active", n.Cpus),
                new XElement("nodes", 1),
                new XElement("sockets", 1),
                new XElement("cores", n.Cpus),
                new XElement("threads", 1)),
            new XElement("memory", n.MemoryMiB * 1024), // KiB
            new XElement("pool", new XAttribute("type", "dir"),
                new XElement("name", n.PoolName),
                new XElement("target", new XElement("path", n.PoolPath)),
                reserve == 0
                    ? null
                    : new XElement("volume", new XAttribute("type", "file"),
                        new XElement("name", ReserveVolumeName),
                        new XElement("capacity", new XAttribute("unit", "bytes"), reserve)),
                volumes),
            domains);
    }
}
