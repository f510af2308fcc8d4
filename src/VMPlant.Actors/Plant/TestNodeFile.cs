using VMPlant.Libvirt;

namespace VMPlant.Actors.Plant;

/// <summary>
/// The fake host of a test-driver plant: a node XML file in the plant's data directory. libvirt's test driver keeps
/// a host only in the memory of one connection, so the plant saves it back here at every checkpoint; a restarted
/// process then opens the host exactly as the plant last acknowledged it.
/// </summary>
public sealed class TestNodeFile
{
    private readonly object _saving = new();

    private TestNodeFile(string path, TestNodeDefinition definition)
    {
        Path = path;
        Definition = definition;
    }

    public string Path { get; }

    public TestNodeDefinition Definition { get; }

    public string Uri => "test://" + Path;

    /// <summary>The plant's node file, written fresh from its configured size on first use.</summary>
    public static TestNodeFile For(PlantSettings settings)
    {
        var directory = System.IO.Path.GetFullPath(System.IO.Path.Combine(settings.DataDir, "plants", settings.Name));
        var size = settings.TestNode;
        var definition = new TestNodeDefinition(size.Cpus, size.MemoryMiB, settings.Pool, size.PoolGiB << 30,
            PoolPath: System.IO.Path.Combine(directory, "images"));
        var file = new TestNodeFile(System.IO.Path.Combine(directory, "node.xml"), definition);
        if (!File.Exists(file.Path))
        {
            Directory.CreateDirectory(directory);
            TestNodeState.SaveAtomically(file.Path, TestNodeXml.Build(definition));
        }
        return file;
    }

    /// <summary>Writes the connection's current host over the file; serialised so concurrent builds never interleave.</summary>
    public void Save(LibvirtConnection connection)
    {
        lock (_saving) TestNodeState.Save(connection, Definition, Path);
    }
}
