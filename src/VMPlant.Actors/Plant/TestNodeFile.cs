using VMPlant.Libvirt;

namespace VMPlant.Actors.Plant;

/// <summary>The fake host of a test-driver plant: a node XML file in the plant's data directory.</summary>
internal static class TestNodeFile
{
    /// <summary>Writes the node file on first use and returns the libvirt URI that opens it.</summary>
    public static string EnsureExists(PlantSettings settings)
    {
        var directory = Path.GetFullPath(Path.Combine(settings.DataDir, "plants", settings.Name));
        var path = Path.Combine(directory, "node.xml");
        if (!File.Exists(path))
        {
            Directory.CreateDirectory(directory);
            var size = settings.TestNode;
            var xml = TestNodeXml.Build(new TestNodeDefinition(size.Cpus, size.MemoryMiB, settings.Pool, size.PoolGiB << 30,
                PoolPath: Path.Combine(directory, "images")));
            var temporary = path + ".tmp";
            File.WriteAllText(temporary, xml);
            File.Move(temporary, path, overwrite: true);
        }
        return "test://" + path;
    }
}
