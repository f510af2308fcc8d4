using Akka.Cluster.Tools.Client;
using Akka.Cluster.Tools.PublishSubscribe;
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
        text.AddRange(EnvironmentOverrides());
        text.AddRange(overrides ?? []);
        Config config;
        try
        {
            config = ConfigurationFactory.ParseString(string.Join("\n", text));
        }
        catch (FormatException e)
        {
            throw new ConfigurationException($"configuration ({operatorFile ?? DefaultsPath} over the defaults) is not valid HOCON: {e.Message}");
        }
        return config
            .WithFallback(SqlPersistence.DefaultConfiguration)
            .WithFallback(ClusterSingleton.DefaultConfig())
            .WithFallback(ClusterClientReceptionist.DefaultConfig())
            // Cluster clients wrap requests in pub-sub envelopes; their serializer binding lives in the pub-sub defaults.
            .WithFallback(DistributedPubSub.DefaultConfig());
    }

    /// <summary>
    /// Environment variables that override configuration keys, so one container image can run every node.
    /// (Applied as HOCON lines: Akka's HOCON parser does not support optional ${?VAR} substitutions.)
    /// </summary>
    public static readonly IReadOnlyDictionary<string, (string Path, bool IsList)> EnvironmentKeys = new Dictionary<string, (string, bool)>
    {
        ["VMPLANT_HOSTNAME"] = ("vmplant.node.hostname", false),
        ["VMPLANT_PORT"] = ("vmplant.node.port", false),
        ["VMPLANT_ROLES"] = ("vmplant.node.roles", true),
        ["VMPLANT_DATA_DIR"] = ("vmplant.node.data-dir", false),
        ["VMPLANT_SEED_NODES"] = ("vmplant.node.seed-nodes", true),
        ["VMPLANT_CONTACT_POINTS"] = ("vmplant.client.contact-points", true),
        ["VMPLANT_PERSISTENCE_PROVIDER"] = ("vmplant.persistence.provider-name", false),
        ["VMPLANT_CONNECTION_STRING"] = ("vmplant.persistence.connection-string", false),
        ["VMPLANT_PERSISTENCE_PARALLELISM"] = ("vmplant.persistence.parallelism", false),
    };

    private static IEnumerable<string> EnvironmentOverrides() =>
        from entry in EnvironmentKeys
        let value = Environment.GetEnvironmentVariable(entry.Key)
        where !string.IsNullOrWhiteSpace(value)
        select entry.Value.IsList
            ? $"{entry.Value.Path} = [{string.Join(", ", value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(Quote))}]"
            : Set(entry.Value.Path, value);

    /// <summary>Files named in a config (seed image specs) are relative to the file that names them.</summary>
    public static string ConfigDirectory(string? operatorFile) =>
        operatorFile is null ? Path.GetDirectoryName(DefaultsPath)! : Path.GetDirectoryName(Path.GetFullPath(operatorFile))!;

    /// <summary>A HOCON line that sets <paramref name="path"/> to a quoted string value.</summary>
    public static string Set(string path, string value) => $"{path} = {Quote(value)}";

    private static string Quote(string value) => $"\"{value.Replace("\\", "\\\\").Replace("\"", "\\\"")}\"";

    public static string Set(string path, int value) => $"{path} = {value}";
}
