using System.Collections.Immutable;
using Akka.Configuration;
using VMPlant.Actors.Domain;
using VMPlant.Actors.Plant;
using VMPlant.Actors.Shop;
using VMPlant.Host.Node;
using VMPlant.Libvirt;
using VMPlant.Libvirt.Qemu;
using VMPlant.Messages.Specs;

namespace VMPlant.Host.Configuration;

/// <summary>Reads the vmplant.* section of a node's HOCON into typed settings, failing with the offending key.</summary>
public static class SettingsReader
{
    public static NodeSettings Node(Config config) => Setting.In("vmplant.node", () => ReadNode(config));

    private static NodeSettings ReadNode(Config config)
    {
        var node = config.GetConfig("vmplant.node");
        return new NodeSettings(
            Setting.String(node, "hostname"),
            Setting.Int(node, "port"),
            Setting.StringList(node, "roles").ToImmutableArray(),
            Path.GetFullPath(Setting.String(node, "data-dir")),
            SeedNodes(node))
        {
            FoundingWait = Setting.TimeSpan(node, "founding-wait") is { Ticks: > 0 } wait ? wait
                : throw new ConfigurationException("vmplant.node.founding-wait: expected a positive duration such as 60s"),
            DownRefusingMembers = Setting.Boolean(node, "down-refusing-members", fallback: true),
            IslandTimeout = IslandTimeout(node),
        };
    }

    /// <summary>Null when off.</summary>
    private static TimeSpan? IslandTimeout(Config node) =>
        Setting.String(node, "island-timeout") is "off" ? null
        : Setting.TimeSpan(node, "island-timeout") is { Ticks: > 0 } timeout ? timeout
        : throw new ConfigurationException("vmplant.node.island-timeout: expected off or a positive duration such as 120s");

    private static ImmutableArray<string> SeedNodes(Config node) =>
        Setting.StringList(node, "seed-nodes").Select(seed =>
            Akka.Actor.Address.TryParse(seed, out var address) && address.Host is { Length: > 0 } && address.Port is > 0 ? seed
                : throw new ConfigurationException($"vmplant.node.seed-nodes: {Excerpt.Of(seed)} is not a node address such as akka.tcp://vmplant@shop-1:4053"))
            .ToImmutableArray();

    public static ShopSettings Shop(Config config) => Setting.In("vmplant.shop", () => ReadShop(config));

    private static ShopSettings ReadShop(Config config)
    {
        var shop = config.GetConfig("vmplant.shop");
        return new ShopSettings(
            Setting.TimeSpan(shop, "bid-timeout"),
            Setting.TimeSpan(shop, "award-timeout"),
            Setting.TimeSpan(shop, "status-timeout"),
            Setting.TimeSpan(shop, "plant-discovery"),
            Setting.TimeSpan(shop, "plant-wait"),
            Setting.Int(config, "vmplant.persistence.snapshot-every"),
            ShopPlugin(shop, "journal-plugin", NodeConfig.ShopJournalPlugin),
            ShopPlugin(shop, "snapshot-plugin", NodeConfig.ShopSnapshotPlugin))
        {
            Limits = InputLimits.FromConfig(config),
            Retention = ReadRetention(shop),
        };
    }

    private static ShopRetention ReadRetention(Config shop)
    {
        TimeSpan Duration(string key) => Setting.TimeSpan(shop, "retention." + key) is { Ticks: > 0 } d ? d
            : throw new ConfigurationException($"vmplant.shop.retention.{key}: expected a positive duration such as 1d");
        int Count(string key) => Setting.Int(shop, "retention." + key) is > 0 and var n ? n
            : throw new ConfigurationException($"vmplant.shop.retention.{key}: expected a positive whole number");
        return new ShopRetention(Duration("max-age"), Count("max-requests"), Duration("idempotency-window"), Count("idempotency-max-requests"), Duration("destroyed-vms"));
    }

    /// <summary>An explicit plugin id, else the shop-sql plugin when the shop has a store of its own, else the default.</summary>
    private static string ShopPlugin(Config shop, string key, string shopSql)
    {
        var explicitId = shop.GetString(key, "") ?? "";
        if (explicitId.Length > 0) return explicitId;
        return string.IsNullOrWhiteSpace(Setting.String(shop, "persistence.connection-string", "")) ? "" : shopSql;
    }

    public static IReadOnlyList<PlantSettings> Plants(Config config)
    {
        var defaults = config.GetConfig("vmplant.plant-defaults");
        var dataDir = Node(config).DataDir;
        var configDir = Setting.String(config, "vmplant.config-dir");
        var snapshotEvery = Setting.Int(config, "vmplant.persistence.snapshot-every");
        var plants = ObjectItems(config.GetValue("vmplant.plants"), "vmplant.plants")
            .Select(p => p.WithFallback(defaults))
            .Select(p => Setting.In("vmplant.plants", () => Plant(p, dataDir, configDir, snapshotEvery)))
            .ToList();
        var duplicate = plants.GroupBy(p => p.Name).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
            throw new ConfigurationException($"vmplant.plants: plant name {Excerpt.Of(duplicate.Key)} is used more than once");
        return plants;
    }

    private static PlantSettings Plant(Config plant, string dataDir, string configDir, int snapshotEvery)
    {
        var name = Setting.String(plant, "name");
        if (!LibvirtNames.IsSafe(name))
            throw new ConfigurationException($"vmplant.plants: plant name {Excerpt.Of(name)} must be 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit");
        var cache = plant.GetConfig("cache");
        return new PlantSettings(
            name,
            Setting.String(plant, "uri"),
            new TestNodeSize(Setting.Int(plant, "test-node.cpus"), Setting.Long(plant, "test-node.memory-mib"), Setting.Long(plant, "test-node.pool-gib")),
            Setting.String(plant, "pool"),
            Setting.String(plant, "domain-type"),
            new CostModel(Setting.Double(plant, "clone-cost"), Setting.Double(plant, "load-weight")),
            Setting.Double(plant, "cpu-overcommit"),
            Setting.Long(plant, "reserved-memory-mib"),
            Setting.Long(plant, "base-image-gib"),
            Setting.Double(plant, "action-time-scale"),
            new CachePolicy(
                ParsePublishRule(name, Setting.String(cache, "publish")),
                Setting.Double(cache, "min-saved-cost"),
                Setting.Int(cache, "max-images"),
                Setting.Long(cache, "max-gib") << 30,
                Setting.Boolean(cache, "publish-core", true)),
            ObjectItems(plant.GetValue("seed-images"), $"plant {name}: seed-images").Select(v => Seed(v, configDir, name)).ToImmutableArray(),
            ParseOrphanPolicy(name, Setting.String(plant, "orphans")),
            dataDir,
            snapshotEvery,
            Setting.Boolean(plant, "test-node-durable", true),
            Real(plant, name, configDir));
    }

    /// <summary>backend = qemu: the plant boots real guests and performs actions on their disks; record: actions are only recorded.</summary>
    private static RealVmSettings? Real(Config plant, string name, string configDir)
    {
        var backend = Setting.String(plant, "backend", "record");
        if (backend == "record") return null;
        if (backend != "qemu")
            throw new ConfigurationException($"plant {name}: backend must be record or qemu, not {Excerpt.Of(backend)}");
        var real = plant.GetConfig("real");
        string Dir(string key) => Path.GetFullPath(Path.Combine(configDir, real.GetString(key)));
        return new RealVmSettings(
            Dir("image-dir"),
            Dir("pool-dir"),
            Path.Combine(Dir("console-dir"), name),
            Path.Combine(Dir("work-dir"), name),
            real.GetTimeSpan("boot-timeout"),
            real.GetString("kernel-args"),
            new GuestActionSettings(real.GetTimeSpan("action-timeout"), Dir("deb-cache"),
                real.GetStringList("copy-from").Select(d => Path.GetFullPath(Path.Combine(configDir, d))).ToImmutableArray()));
    }

    /// <summary>
    /// The objects of a HOCON list. Akka reads <c>[ ]</c> as a list holding one empty value: empty items are skipped;
    /// anything else that is not an object is refused with the key's path.
    /// </summary>
    private static IEnumerable<Config> ObjectItems(Akka.Configuration.Hocon.HoconValue? list, string path)
    {
        // `[]` is one empty HoconArray, which Akka does not count as an array.
        if (list is null || list.Values.Count == 0 || list.Values.All(v => v is Akka.Configuration.Hocon.HoconArray { Count: 0 })) return [];
        if (!list.IsArray()) throw new ConfigurationException($"{path}: expected a list of objects");
        var items = new List<Config>();
        foreach (var item in list.GetArray())
        {
            if (item.Values.Count == 0 || item.Values.All(v => v is Akka.Configuration.Hocon.HoconLiteral { Value: var text } && string.IsNullOrWhiteSpace(text)))
                continue;
            if (!item.IsObject()) throw new ConfigurationException($"{path}: expected a list of objects, found {Excerpt.Of(item.ToString(), 40)}");
            items.Add(new Config(new Akka.Configuration.Hocon.HoconRoot(item)));
        }
        return items;
    }

    private static SeedImage Seed(Config seed, string configDir, string plant)
    {
        var specPath = Setting.String(seed, "spec", "");
        if (string.IsNullOrWhiteSpace(specPath))
            throw new ConfigurationException($"plant {plant}: a seed image needs spec = \"FILE\"");
        var spec = Path.GetFullPath(Path.Combine(configDir, specPath));
        var upTo = Setting.StringList(seed, "up-to").ToImmutableArray();
        var parsed = VmSpecParser.ParseFile(spec);
        var unknown = upTo.FirstOrDefault(id => parsed.Actions.All(a => a.Id != id));
        if (unknown is not null)
            throw new ConfigurationException($"plant {plant}: seed image from {spec} names action {Excerpt.Of(unknown)}, which that spec does not have");
        var qcow2 = Setting.String(seed, "qcow2", "") is { Length: > 0 } file ? Path.GetFullPath(Path.Combine(configDir, file)) : null;
        return new SeedImage(parsed, upTo, qcow2);
    }

    private static OrphanPolicy ParseOrphanPolicy(string plant, string value) => value switch
    {
        "keep" => OrphanPolicy.Keep,
        "remove" => OrphanPolicy.Remove,
        _ => throw new ConfigurationException($"plant {plant}: orphans must be keep or remove, not {Excerpt.Of(value)}"),
    };

    private static PublishRule ParsePublishRule(string plant, string value) => value switch
    {
        "always" => PublishRule.Always,
        "never" => PublishRule.Never,
        "when-worth-it" => PublishRule.WhenWorthIt,
        _ => throw new ConfigurationException($"plant {plant}: cache.publish must be always, never or when-worth-it, not {Excerpt.Of(value)}"),
    };
}

public sealed record NodeSettings(string Hostname, int Port, ImmutableArray<string> Roles, string DataDir, ImmutableArray<string> SeedNodes)
{
    public bool IsShop => Roles.Contains("shop");

    public bool IsPlant => Roles.Contains("plant");

    public string Address => $"akka.tcp://{VmPlantNode.SystemName}@{Hostname}:{Port}";

    /// <summary>How long this node, when it is the first of several seeds, waits for another seed before founding a cluster.</summary>
    public TimeSpan FoundingWait { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Whether this node downs members whose cluster port refuses connections (<see cref="RefusingMemberDowner"/>).</summary>
    public bool DownRefusingMembers { get; init; } = true;

    /// <summary>How long a plant-only member of a seeded cluster may go without a shop node before it leaves (<see cref="IslandGuard"/>); null: never.</summary>
    public TimeSpan? IslandTimeout { get; init; } = TimeSpan.FromSeconds(120);

    /// <summary>Only a node that cannot run the shop itself and joined through seeds can be stranded without one.</summary>
    public bool GuardsAgainstIslands => IslandTimeout is not null && !IsShop && !SeedNodes.IsEmpty;

    /// <summary>
    /// True when this node heads a seed list naming other nodes too: the node Akka lets found a new cluster when the
    /// others stay silent (a restart of it must find the cluster they still form, not start a second one).
    /// </summary>
    public bool FoundsWhenSeedsAreSilent =>
        SeedNodes.Length > 1 && Akka.Actor.Address.Parse(SeedNodes[0]) is var first &&
        string.Equals(first.Host, Hostname, StringComparison.OrdinalIgnoreCase) && first.Port == Port;
}
