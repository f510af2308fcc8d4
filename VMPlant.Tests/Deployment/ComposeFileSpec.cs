using VMPlant.Host.Configuration;
using VMPlant.Tests.Support;
using Xunit;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace VMPlant.Tests.Deployment;

/// <summary>
/// docker-compose.yml read as compose reads it (YAML merge keys resolved), without Docker: every VMPlant service
/// sets only environment keys the host reads, and the seeds, ports and roles fit together. ComposeDrillSpec runs it.
/// </summary>
public sealed class ComposeFileSpec
{
    private static readonly YamlMappingNode Services = Load();

    private static YamlMappingNode Load()
    {
        var yaml = new YamlStream();
        using var reader = new StreamReader(Path.Combine(RepoPaths.Root, "docker-compose.yml"));
        yaml.Load(new MergingParser(new Parser(reader)));
        var root = (YamlMappingNode)yaml.Documents[0].RootNode;
        return (YamlMappingNode)root.Children[new YamlScalarNode("services")];
    }

    private static IEnumerable<(string Name, YamlMappingNode Service)> Nodes() =>
        Services.Children
            .Select(c => (((YamlScalarNode)c.Key).Value!, (YamlMappingNode)c.Value))
            .Where(s => s.Item1.StartsWith("shop-") || s.Item1.StartsWith("plant-"));

    private static Dictionary<string, string> Env(YamlMappingNode service) =>
        ((YamlMappingNode)service.Children[new YamlScalarNode("environment")]).Children
        .ToDictionary(e => ((YamlScalarNode)e.Key).Value!, e => ((YamlScalarNode)e.Value).Value ?? "");

    [Fact]
    public void Has_postgres_two_shop_nodes_and_three_plant_nodes_with_healthchecks()
    {
        Assert.True(Services.Children.ContainsKey(new YamlScalarNode("postgres")));
        var postgres = (YamlMappingNode)Services.Children[new YamlScalarNode("postgres")];
        Assert.True(postgres.Children.ContainsKey(new YamlScalarNode("healthcheck")));
        Assert.Equal(2, Nodes().Count(n => Env(n.Service)["VMPLANT_ROLES"] == "shop"));
        Assert.Equal(3, Nodes().Count(n => Env(n.Service)["VMPLANT_ROLES"] == "plant"));
        // Node healthchecks come from the image (Dockerfile HEALTHCHECK).
        Assert.Contains("HEALTHCHECK", File.ReadAllText(Path.Combine(RepoPaths.Root, "Dockerfile")));
    }

    [Fact]
    public void Every_environment_key_is_one_the_host_reads()
    {
        foreach (var service in Services.Children.Values.OfType<YamlMappingNode>()
                     .Where(s => s.Children.ContainsKey(new YamlScalarNode("environment")) && !s.Children.ContainsKey(new YamlScalarNode("healthcheck"))))
            foreach (var key in Env(service).Keys)
                Assert.True(NodeConfig.EnvironmentKeys.ContainsKey(key), $"{key} is not read by the host (NodeConfig.EnvironmentKeys)");
    }

    [Fact]
    public void Nodes_run_serve_on_the_built_image_and_seeds_name_shop_nodes_at_their_ports()
    {
        var nodes = Nodes().ToList();
        var addresses = nodes.ToDictionary(n => n.Name, n => $"akka.tcp://vmplant@{Env(n.Service)["VMPLANT_HOSTNAME"]}:{Env(n.Service)["VMPLANT_PORT"]}");
        foreach (var (name, service) in nodes)
        {
            var env = Env(service);
            Assert.Equal(name, env["VMPLANT_HOSTNAME"]);
            Assert.Equal(name, ((YamlScalarNode)service.Children[new YamlScalarNode("hostname")]).Value);
            var command = (YamlSequenceNode)service.Children[new YamlScalarNode("command")];
            Assert.Equal("serve", ((YamlScalarNode)command.Children[0]).Value);
            var seeds = env["VMPLANT_SEED_NODES"].Split(',');
            Assert.NotEmpty(seeds);
            foreach (var seed in seeds)
                Assert.Contains(seed, nodes.Where(n => Env(n.Service)["VMPLANT_ROLES"] == "shop").Select(n => addresses[n.Name]));
            Assert.True(int.TryParse(env["VMPLANT_PORT"], out _));
            if (env["VMPLANT_ROLES"] == "plant") Assert.False(string.IsNullOrWhiteSpace(env["VMPLANT_PLANTS"]));
        }
        // Plant names are unique across the cluster (each is its own persistence id).
        var plants = nodes.Where(n => Env(n.Service).ContainsKey("VMPLANT_PLANTS")).SelectMany(n => Env(n.Service)["VMPLANT_PLANTS"].Split(',')).ToList();
        Assert.Equal(plants.Count, plants.Distinct().Count());
    }

    [Fact]
    public void A_node_configured_only_by_the_compose_environment_loads()
    {
        var plant = Nodes().First(n => n.Name == "plant-1").Service;
        var env = Env(plant);
        try
        {
            foreach (var (key, value) in env) Environment.SetEnvironmentVariable(key, value);
            var config = NodeConfig.Load();
            var node = SettingsReader.Node(config);
            Assert.Equal(new[] { "plant" }, node.Roles.ToArray());
            Assert.Equal(4053, node.Port);
            Assert.Equal(2, node.SeedNodes.Length);
            Assert.Equal("PostgreSQL.15", config.GetString("akka.persistence.journal.sql.provider-name"));
            Assert.Equal(["plant1"], SettingsReader.Plants(config).Select(p => p.Name));
        }
        finally
        {
            foreach (var key in env.Keys) Environment.SetEnvironmentVariable(key, null);
        }
    }
}
