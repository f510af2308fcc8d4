using System.Collections.Immutable;
using System.Text;
using Akka.Actor;
using Akka.Cluster;
using VMPlant.Host.Configuration;
using VMPlant.Host.Node;
using VMPlant.Messages;

namespace VMPlant.Bench;

/// <summary>How a bench node is laid out: its plants (all on libvirt's test driver), roles and seeds.</summary>
public sealed record BenchNodeLayout(
    string DataDir,
    int Plants,
    string PlantPrefix = "p",
    bool Shop = true,
    ImmutableArray<string> SeedNodes = default,
    bool TestNodeDurable = true,
    bool InMemoryJournal = false,
    string ExtraHocon = "")
{
    /// <summary>
    /// HOCON for the node, merged over the defaults (and an operator's --config): loopback on a free port, its own SQLite journal, quiet logs,
    /// and test-driver plants big enough in CPUs and memory for hundreds of small VMs. A test-driver pool is at most
    /// 100 GiB, so the bench's VMs have 1 GiB disks (and images, sized as their VM's disk, take 1 GiB each).
    /// </summary>
    public IReadOnlyList<string> Hocon()
    {
        var plants = new StringBuilder("vmplant.plants = [");
        for (var i = 1; i <= Plants; i++) plants.Append($"{{ name = \"{PlantName(i)}\" }}").Append(i < Plants ? ", " : "");
        plants.Append(']');
        var seeds = SeedNodes.IsDefaultOrEmpty ? "" : string.Join(", ", SeedNodes.Select(s => $"\"{s}\""));
        return
        [
            NodeConfig.Set("vmplant.node.data-dir", DataDir),
            // Each bench node journals to a fresh SQLite file of its own, whatever an operator's --config says.
            NodeConfig.Set("vmplant.persistence.provider-name", "SQLite.MS"),
            NodeConfig.Set("vmplant.persistence.connection-string", $"Data Source={Path.Combine(DataDir, "vmplant.db")}"),
            "vmplant.persistence.parallelism = 1",
            "vmplant.node.port = 0",
            "vmplant.http.enabled = off",
            $"vmplant.node.roles = [{(Shop ? "shop, " : "")}plant]",
            $"vmplant.node.seed-nodes = [{seeds}]",
            """
            vmplant.plant-defaults {
              test-node { cpus = 64, memory-mib = 262144, pool-gib = 100 }
              base-image-gib = 1
              cache { max-images = 64, max-gib = 64 }
            }
            vmplant.shop.bid-timeout = 2s
            akka.loglevel = ERROR
            akka.stdout-loglevel = ERROR
            """,
            $"vmplant.plant-defaults.test-node-durable = {(TestNodeDurable ? "on" : "off")}",
            plants.ToString(),
            // Diagnosis only: with nothing durable, what the actors and libvirt alone can do.
            InMemoryJournal
                ? "akka.persistence.journal.plugin = \"akka.persistence.journal.inmem\"\nakka.persistence.snapshot-store.plugin = \"akka.persistence.snapshot-store.inmem\""
                : "",
            // A suite's own settings (e.g. the memory suite's retention windows), last so they win.
            ExtraHocon,
        ];
    }

    public string PlantName(int i) => $"{PlantPrefix}{i:D2}";

    /// <summary>The VM size every bench request is given (the workload's action DAGs are kept).</summary>
    public static readonly Resources VmSize = new(1, 256, 1);
}

/// <summary>Asks the shop: directly through the in-process singleton proxy, or through the cluster-client receptionist.</summary>
public interface IShopGateway : IAsyncDisposable
{
    string Description { get; }

    Task<object> AskAsync(IVmPlantMessage message, TimeSpan timeout);
}

public sealed class ProxyGateway(IActorRef proxy) : IShopGateway
{
    public string Description => "Ask on the shop's singleton proxy in the bench process (no ClusterClient hop)";

    public Task<object> AskAsync(IVmPlantMessage message, TimeSpan timeout) => proxy.Ask<object>(message, timeout);

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}

public sealed class ClientGateway(VmPlantClient client) : IShopGateway
{
    public string Description => "ClusterClient through the node's receptionist, from a separate client actor system";

    public Task<object> AskAsync(IVmPlantMessage message, TimeSpan timeout) => client.AskAsync(message, timeout);

    public ValueTask DisposeAsync() => client.DisposeAsync();
}

/// <summary>An in-process VMPlant node for the bench, with helpers to reach its shop.</summary>
public sealed class BenchNode : IAsyncDisposable
{
    private BenchNode(VmPlantNode node) => Node = node;

    public VmPlantNode Node { get; }

    public Address Address => Cluster.Get(Node.System).SelfAddress;

    public string Receptionist => Node.Edge.Receptionist;

    public static async Task<BenchNode> StartAsync(BenchNodeLayout layout, string? operatorConfig)
    {
        Directory.CreateDirectory(layout.DataDir);
        return new BenchNode(await VmPlantNode.StartAsync(NodeConfig.Load(operatorConfig, layout.Hocon())));
    }

    public async Task<IShopGateway> GatewayAsync(string via, string? operatorConfig)
    {
        if (via == "client")
            return new ClientGateway(await VmPlantClient.ConnectAsync(NodeConfig.Load(operatorConfig), [Receptionist]));
        return new ProxyGateway(Node.ShopProxy);
    }

    /// <summary>Waits until the shop answers and knows <paramref name="plants"/> plants with their hypervisors up.</summary>
    public async Task WaitForPlantsAsync(int plants, TimeSpan timeout, BenchProgress progress, string suite)
    {
        var deadline = DateTime.UtcNow + timeout;
        var seen = 0;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                var answer = await Node.ShopProxy.Ask<object>(ListPlants.Instance, TimeSpan.FromSeconds(5));
                if (answer is PlantList list)
                {
                    seen = list.Plants.Count(p => p.HypervisorUp);
                    if (seen >= plants) return;
                    progress.Tick(suite, $"{seen}/{plants} plants registered");
                }
            }
            catch (AskTimeoutException)
            {
                // The singleton is not up yet.
            }
            await Task.Delay(200);
        }
        throw new TimeoutException($"only {seen} of {plants} plants registered with the shop within {timeout.TotalSeconds:0}s");
    }

    public async ValueTask DisposeAsync() => await Node.DisposeAsync();
}
