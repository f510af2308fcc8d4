using Akka.Cluster.Tools.Client;
using Akka.Cluster.Tools.PublishSubscribe;
using Akka.Cluster.Tools.Singleton;
using Akka.Configuration;
using Akka.Configuration.Hocon;
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

    /// <summary>The real-VM preset (`serve --real`).</summary>
    public static string RealPresetPath => Path.Combine(AppContext.BaseDirectory, "hocon", "real.conf");

    /// <param name="preset">A shipped preset layered between the defaults and the operator's file (e.g. <see cref="RealPresetPath"/>).</param>
    /// <exception cref="ConfigurationException">The operator's file is missing, special, too large or not strict HOCON; one line.</exception>
    public static Config Load(string? operatorFile = null, IEnumerable<string>? overrides = null, string? preset = null)
    {
        var text = new List<string>
        {
            File.ReadAllText(DefaultsPath), Set("vmplant.config-dir", ConfigDirectory(operatorFile)),
            Set("vmplant.hocon-dir", Path.GetDirectoryName(DefaultsPath)!),
        };
        if (preset is not null) text.Add(File.ReadAllText(preset));
        if (operatorFile is not null) text.Add(ReadOperatorFile(operatorFile));
        text.AddRange(EnvironmentOverrides());
        text.AddRange(overrides ?? []);
        Config config;
        try
        {
            config = ConfigurationFactory.ParseString(string.Join("\n", text));
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new ConfigurationException(
                $"configuration ({Excerpt.Of(operatorFile ?? DefaultsPath, 120)} over the defaults) is not valid HOCON: {Excerpt.Line(e.Message, 300)}");
        }
        return WithShopPersistence(config)
            .WithFallback(SqlPersistence.DefaultConfiguration)
            .WithFallback(ClusterSingleton.DefaultConfig())
            .WithFallback(ClusterClientReceptionist.DefaultConfig())
            // Cluster clients wrap requests in pub-sub envelopes; their serializer binding lives in the pub-sub defaults.
            .WithFallback(DistributedPubSub.DefaultConfig());
    }

    /// <summary>
    /// An operator's file, read in bounded time and memory and pre-scanned strictly (as specs are) before Akka's
    /// parser sees it: that parser accepts '{{{{' and loops forever on 'x = [ y = 1 ]'. The limits are the defaults'
    /// (the file cannot raise the bound on its own reading).
    /// </summary>
    private static string ReadOperatorFile(string path)
    {
        var limits = InputLimits.Default;
        string text;
        try
        {
            text = InputFile.ReadText(path, limits.ConfigBytes, "vmplant.limits.config-bytes");
        }
        catch (InputFileException e)
        {
            throw new ConfigurationException($"configuration file {e.Message}");
        }
        if (HoconSyntaxCheck.FindProblem(text, limits.NestingDepth) is { } problem)
            throw new ConfigurationException($"configuration file {Excerpt.Of(path, 120)}: {problem}");
        if (text.Contains("${?", StringComparison.Ordinal))
            throw new ConfigurationException($"configuration file {Excerpt.Of(path, 120)}: optional substitutions (${{?...}}) are not supported; use the VMPLANT_* environment variables");
        return text;
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
        ["VMPLANT_SHOP_PERSISTENCE_PROVIDER"] = ("vmplant.shop.persistence.provider-name", false),
        ["VMPLANT_SHOP_CONNECTION_STRING"] = ("vmplant.shop.persistence.connection-string", false),
        // Comma-separated plant names; each plant takes vmplant.plant-defaults (one plant per hypervisor host).
        ["VMPLANT_PLANTS"] = ("vmplant.plants", true),
        ["VMPLANT_PLANT_URI"] = ("vmplant.plant-defaults.uri", false),
        ["VMPLANT_PLANT_DOMAIN_TYPE"] = ("vmplant.plant-defaults.domain-type", false),
        ["VMPLANT_LOGLEVEL"] = ("akka.loglevel", false),
        ["VMPLANT_HTTP_HOSTNAME"] = ("vmplant.http.hostname", false),
        ["VMPLANT_HTTP_PORT"] = ("vmplant.http.port", false),
        ["VMPLANT_METRICS"] = ("vmplant.http.metrics", false),
        ["VMPLANT_EDGE_PORT"] = ("vmplant.edge.port", false),
        // TLS (the key's password: VMPLANT_TLS_PASSWORD, read directly, never placed in the configuration).
        ["VMPLANT_TLS"] = ("vmplant.tls.enabled", false),
        ["VMPLANT_TLS_DIR"] = ("vmplant.tls.directory", false),
        ["VMPLANT_TLS_CA"] = ("vmplant.tls.ca-certificate", false),
        ["VMPLANT_TLS_CERTIFICATE"] = ("vmplant.tls.certificate", false),
        ["VMPLANT_TLS_PRIVATE_KEY"] = ("vmplant.tls.private-key", false),
        ["VMPLANT_TLS_PASSWORD_FILE"] = ("vmplant.tls.password-file", false),
        ["VMPLANT_CLIENT_CERTIFICATE"] = ("vmplant.client.tls.certificate", false),
        ["VMPLANT_CLIENT_PRIVATE_KEY"] = ("vmplant.client.tls.private-key", false),
    };

    /// <summary>Plugin ids of the shop's own journal and snapshot store (used when vmplant.shop.persistence.connection-string is set).</summary>
    public const string ShopJournalPlugin = "akka.persistence.journal.shop-sql";
    public const string ShopSnapshotPlugin = "akka.persistence.snapshot-store.shop-sql";

    /// <summary>The query plugin reading the shop's own store (vmplant events, the dashboard's auctions).</summary>
    public const string ShopReadJournal = "akka.persistence.query.journal.shop-sql";

    /// <summary>
    /// When the shop has a store of its own (a SQLite file shared by the shop nodes of one machine, or another
    /// database), defines the shop-sql journal and snapshot plugins: the Akka.Persistence.Sql defaults placed at
    /// new plugin paths, with the shop's connection settings on top.
    /// </summary>
    private static Config WithShopPersistence(Config config)
    {
        var shop = config.GetConfig("vmplant.shop.persistence");
        var connection = shop?.GetString("connection-string", "") ?? "";
        if (string.IsNullOrWhiteSpace(connection)) return config;
        var settings = ConfigurationFactory.ParseString(string.Join("\n",
            Set("connection-string", connection),
            Set("provider-name", shop!.GetString("provider-name")),
            "auto-initialize = on"));
        var journal = ConfigurationFactory.ParseString($"parallelism = {shop.GetInt("parallelism", 1)}").WithFallback(settings);
        var query = ConfigurationFactory.ParseString(string.Join("\n", Set("write-plugin", ShopJournalPlugin), Set("plugin-id", ShopReadJournal)))
            .WithFallback(settings);
        // Everything else (plugin classes, timeouts, polling) as the node's own journal, query and snapshot plugins have it.
        var node = config.WithFallback(SqlPersistence.DefaultConfiguration);
        return config
            .WithFallback(At(journal.WithFallback(node.GetConfig("akka.persistence.journal.sql")), ShopJournalPlugin))
            .WithFallback(At(query.WithFallback(node.GetConfig("akka.persistence.query.journal.sql")), ShopReadJournal))
            .WithFallback(At(settings.WithFallback(node.GetConfig("akka.persistence.snapshot-store.sql")), ShopSnapshotPlugin));
    }

    /// <summary>A config holding <paramref name="inner"/> (flattened) at a dotted path.</summary>
    private static Config At(Config inner, string path)
    {
        var value = Flatten(inner);
        foreach (var key in path.Split('.').Reverse())
        {
            var obj = new HoconObject();
            obj.Items[key] = value;
            value = new HoconValue();
            value.AppendValue(obj);
        }
        return new Config(new HoconRoot(value));
    }

    /// <summary>Merges a config and its fallbacks into one HOCON value.</summary>
    private static HoconValue Flatten(Config config)
    {
        var merged = new HoconObject();
        foreach (var layer in Layers(config).Reverse())
            Merge(merged, layer.Root.GetObject());
        var value = new HoconValue();
        value.AppendValue(merged);
        return value;
    }

    private static IEnumerable<Config> Layers(Config config)
    {
        for (var c = config; c is not null; c = c.Fallback) yield return c;
    }

    private static void Merge(HoconObject target, HoconObject source)
    {
        foreach (var (key, value) in source.Items)
        {
            if (value.IsObject() && target.Items.TryGetValue(key, out var existing) && existing.IsObject())
                Merge(existing.GetObject(), value.GetObject());
            else if (value.IsObject())
            {
                var copy = new HoconObject();
                Merge(copy, value.GetObject());
                var v = new HoconValue();
                v.AppendValue(copy);
                target.Items[key] = v;
            }
            else target.Items[key] = value;
        }
    }

    private static IEnumerable<string> EnvironmentOverrides() =>
        from entry in EnvironmentKeys
        let value = Environment.GetEnvironmentVariable(entry.Key)
        where !string.IsNullOrWhiteSpace(value)
        select entry.Key == "VMPLANT_PLANTS"
            ? $"{entry.Value.Path} = [{string.Join(", ", value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(n => $"{{ name = {Quote(n)} }}"))}]"
            : entry.Value.IsList
            ? $"{entry.Value.Path} = [{string.Join(", ", value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(Quote))}]"
            : Set(entry.Value.Path, value);

    /// <summary>Files named in a config (seed image specs) are relative to the file that names them.</summary>
    public static string ConfigDirectory(string? operatorFile) =>
        operatorFile is null ? Path.GetDirectoryName(DefaultsPath)! : Path.GetDirectoryName(Path.GetFullPath(operatorFile))!;

    /// <summary>A HOCON line that sets <paramref name="path"/> to a quoted string value.</summary>
    public static string Set(string path, string value) => $"{path} = {Quote(value)}";

    private static string Quote(string value)
    {
        // A JSON string: environment values may hold any character, and none may end the string early.
        var escaped = new System.Text.StringBuilder("\"");
        foreach (var c in value)
        {
            if (c is '"' or '\\') escaped.Append('\\').Append(c);
            else if (char.IsControl(c)) escaped.Append($"\\u{(int)c:x4}");
            else escaped.Append(c);
        }
        return escaped.Append('"').ToString();
    }

    public static string Set(string path, int value) => $"{path} = {value}";
}
