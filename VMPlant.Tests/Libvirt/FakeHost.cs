using VMPlant.Libvirt;

namespace VMPlant.Tests.Libvirt;

/// <summary>A test-driver node file in a temp directory of its own, so every test gets its own host.</summary>
internal sealed class FakeHost : IDisposable
{
    public const long GiB = 1024L * 1024 * 1024;

    private readonly string _directory;

    public FakeHost(TestNodeDefinition? definition = null)
    {
        Definition = definition ?? new TestNodeDefinition(Cpus: 6, MemoryMiB: 8192, PoolName: "images", PoolCapacityBytes: 10 * GiB);
        _directory = Path.Combine(Path.GetTempPath(), "vmplant-libvirt-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_directory);
        NodeFile = Path.Combine(_directory, "node.xml");
        File.WriteAllText(NodeFile, TestNodeXml.Build(Definition));
        Uri = "test://" + NodeFile;
    }

    public TestNodeDefinition Definition { get; }

    /// <summary>The node file; each <see cref="Open"/> builds a host from what it holds at that moment.</summary>
    public string NodeFile { get; }

    public string Uri { get; }

    public LibvirtConnection Open() => LibvirtConnection.Open(Uri);

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
