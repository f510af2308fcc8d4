using Akka.Cluster.Tools.Client;
using Akka.Cluster.Tools.Singleton;
using Akka.Configuration;
using Akka.Persistence.Sql;

namespace VMPlant.Host.Configuration;

/// <summary>
/// Loads a node's configuration with Akka's HOCON: the shipped defaults (hocon/vmplant.conf), then an operator's
/// file, then command-line overrides. They are joined as HOCON text before parsing so that substitutions in the
/// defaults (ports, data directory) see the final values.
/// </summary>
public static class NodeConfig
{
    public static string DefaultsPath => Path.Combine(AppContext.BaseDirectory, "hocon", "vmplant.conf");

    public static Config Load(string? operatorFile = null, IEnumerable<string>? overrides = null)
    {
        if (operatorFile is not null && !File.Exists(operatorFile))
            throw new ConfigurationException($"configuration file {operatorFile} does not exist");
        var text = new List<string> { File.ReadAllText(DefaultsPath), Set("vmplant.config-dir", ConfigDirectory(operatorFile)) };
        if (operatorFile is not null) text.Add(File.ReadAllText(operatorFile));
        text.AddRange(overrides ?? []);
        var config = ConfigurationFactory.ParseString(string.Join("\n", text));
        return config
            .WithFallback(SqlPersistence.DefaultConfiguration)
            .WithFallback(ClusterSingleton.DefaultConfig())
            .WithFallback(ClusterClientReceptionist.DefaultConfig());
    }

    /// <summary>Files named in a config (seed image specs) are relative to the file that names them.</summary>
    public static string ConfigDirectory(string? operatorFile) =>
        operatorFile is null ? Path.GetDirectoryName(DefaultsPath)! : Path.GetDirectoryName(Path.GetFullPath(operatorFile))!;

    /// <summary>A HOCON line that sets <paramref name="path"/> to a quoted string value.</summary>
    public static string Set(string path, string value) =>
        $"{path} = \"{value.Replace("\\", "\\\\").Replace("\"", "\\\"")}\"";

    public static string Set(string path, int value) => $"{path} = {value}";
}
