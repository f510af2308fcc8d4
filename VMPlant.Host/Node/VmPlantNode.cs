using System.Collections.Immutable;
using Akka.Actor;
using Akka.Event;
using Akka.Pattern;
using Akka.Cluster;
using Akka.Cluster.Tools.Singleton;
using Akka.Configuration;
using Akka.Coordination;
using VMPlant.Actors.Domain;
using VMPlant.Actors.Plant;
using VMPlant.Actors.Shop;
using VMPlant.Host.Configuration;
using VMPlant.Host.Http;
using VMPlant.Host.Security;

namespace VMPlant.Host.Node;

/// <summary>
/// One VMPlant cluster member: the shop singleton (on shop nodes), a singleton proxy, the plants configured for
/// this node, and the edge (<see cref="EdgeNode"/>) through which the CLI and other actor systems reach the shop.
/// The shop and each plant run under a backoff supervisor, so whatever stops or crashes them, they come back and
/// recover from their journals.
/// </summary>
public sealed class VmPlantNode : IAsyncDisposable
{
    public const string SystemName = "vmplant";
    public const string ShopProxyName = "shop-proxy";
    public const string SingletonManagerName = "shop-singleton";

    /// <summary>Where the shop runs: the singleton manager's child (a backoff supervisor) and its own child, the ShopActor.</summary>
    public const string ShopPath = "/user/shop-singleton/shop/shop";

    private readonly DataDirectoryLock _dataLock;

    private VmPlantNode(ActorSystem system, EdgeNode edge, NodeSettings settings, IActorRef shopProxy, IReadOnlyList<string> plants,
        DataDirectoryLock dataLock)
    {
        _dataLock = dataLock;
        System = system;
        Edge = edge;
        Settings = settings;
        ShopProxy = shopProxy;
        Plants = plants;
    }

    public ActorSystem System { get; }

    public EdgeNode Edge { get; }

    public NodeSettings Settings { get; }

    public IActorRef ShopProxy { get; }

    /// <summary>Paths of this node's plants (their supervisors, which pass messages on to the plant; the keeper may restart them).</summary>
    public IReadOnlyList<string> Plants { get; }

    /// <summary>The supervisor of the named plant, a top-level actor.</summary>
    public static string PlantSupervisorName(string plant) => $"plant-{plant}";

    /// <summary>The node's HTTP endpoints (health probes), or null when vmplant.http.enabled is off.</summary>
    public NodeHttpServer? Http { get; private set; }

    public static async Task<VmPlantNode> StartAsync(Config config)
    {
        var settings = SettingsReader.Node(config);
        var shopSettings = SettingsReader.Shop(config);
        var plantSettings = settings.IsPlant ? SettingsReader.Plants(config) : [];
        var httpSettings = HttpSettings.From(config);
        // Two nodes on one data directory would recover and write the same journals: refuse the second.
        var dataLock = DataDirectoryLock.Acquire(settings.DataDir);
        ActorSystem system;
        try
        {
            PortCheck.EnsureFree(settings.Hostname, settings.Port);
            SqliteJournal.EnableWriteAheadLog(config);
            // Akka's seed-node-timeout is both how long the first seed waits before founding and how often the others
            // retry their join: only the founder gets the long wait.
            if (settings.FoundsWhenSeedsAreSilent)
                config = ConfigurationFactory.ParseString($"akka.cluster.seed-node-timeout = {(long)settings.FoundingWait.TotalMilliseconds}ms")
                    .WithFallback(config);
            // With TLS on, only certificates with the node role may connect to the cluster port.
            system = TransportSecurity.CreateSystem(SystemName, config, ImmutableHashSet.Create(PeerCertificates.NodeRole));
        }
        catch
        {
            dataLock.Dispose();
            throw;
        }
        // Released when the system ends, however it ends (a test may terminate it without DisposeAsync).
        _ = system.WhenTerminated.ContinueWith(_ => dataLock.Dispose(), TaskScheduler.Default);
        var cluster = Cluster.Get(system);
        if (settings.SeedNodes.IsEmpty) cluster.Join(cluster.SelfAddress);
        else cluster.JoinSeedNodes(settings.SeedNodes.Select(seed => Address.Parse(TransportSecurity.WithProtocol(seed, config))));

        if (settings.DownRefusingMembers) system.ActorOf(RefusingMemberDowner.Props(), "refusing-member-downer");
        if (settings.GuardsAgainstIslands) system.ActorOf(IslandGuard.Props("shop", settings.IslandTimeout!.Value), "island-guard");
        var kept = new List<NodeKeeper.Service>();
        if (settings.IsShop)
        {
            system.ActorOf(ShopJournalWarmup.Props(shopSettings), "shop-journal-warmup");
            // The singleton is a backoff supervisor that restarts the shop whenever it stops (a crash, a failed journal
            // write, a stray PoisonPill); StopShop, the hand-over message, is passed to the shop and then ends both.
            var supervisedShop = BackoffSupervisor.Props(
                Backoff.OnStop(ShopActor.Props(shopSettings), "shop", TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(10), 0.2, maxNrOfRetries: -1)
                    .WithFinalStopMessage(message => message is StopShop));
            var manager = ClusterSingletonManager.Props(
                supervisedShop,
                StopShop.Instance,
                SingletonSettings(system, config, shopSettings));
            kept.Add(new NodeKeeper.Service(SingletonManagerName, manager, system.ActorOf(manager, SingletonManagerName)));
        }
        var proxy = system.ActorOf(ClusterSingletonProxy.Props(
                "/user/" + SingletonManagerName,
                ClusterSingletonProxySettings.Create(system).WithRole("shop").WithSingletonName(NodeKeeper.SingletonName)),
            ShopProxyName);

        foreach (var plant in plantSettings)
        {
            var supervised = BackoffSupervisor.Props(
                Backoff.OnStop(PlantActor.Props(plant with { ShopPath = ShopPath }, proxy), "plant", TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(10), 0.2, maxNrOfRetries: -1));
            kept.Add(new NodeKeeper.Service(PlantSupervisorName(plant.Name), supervised, system.ActorOf(supervised, PlantSupervisorName(plant.Name))));
        }
        system.ActorOf(NodeKeeper.Props(kept, settings.IsShop ? SingletonManagerName : null, "shop", TimeSpan.FromSeconds(3)), "keeper");
        var edge = EdgeNode.Start(config, proxy);
        system.Log.Info("VMPlant node {Address} up: roles [{Roles}], plants [{Plants}], data in {DataDir}; clients at {Edge}",
            cluster.SelfAddress, string.Join(", ", settings.Roles), string.Join(", ", plantSettings.Select(p => p.Name)), settings.DataDir,
            Cluster.Get(edge.System).SelfAddress);
        var node = new VmPlantNode(system, edge, settings, proxy, plantSettings.Select(p => "/user/" + PlantSupervisorName(p.Name)).ToList(), dataLock);
        if (httpSettings.Enabled) await node.StartHttpAsync(httpSettings);
        return node;
    }

    /// <summary>
    /// With the shop's file lease (a SQLite shop journal, <see cref="ShopFileLease"/>) the new singleton needs no removal
    /// margin: it starts once the old node is removed and the lease is free. Without it (PostgreSQL), the margin
    /// (akka.cluster.down-removal-margin) gives the minority of a partition time to stop its shop first.
    /// </summary>
    private static ClusterSingletonManagerSettings SingletonSettings(ActorSystem system, Config config, ShopSettings shop)
    {
        var settings = ClusterSingletonManagerSettings.Create(system).WithRole("shop").WithSingletonName(NodeKeeper.SingletonName);
        if (ShopFileLease.LeaseFile(config, shop) is null) return settings;
        var retry = config.GetTimeSpan(ShopFileLease.ConfigPath + ".retry-interval", TimeSpan.FromMilliseconds(200));
        // A margin of zero would mean "the downing provider's"; one tick is none.
        return settings.WithLeaseSettings(new LeaseUsageSettings(ShopFileLease.ConfigPath, retry)).WithRemovalMargin(TimeSpan.FromTicks(1));
    }

    private async Task StartHttpAsync(HttpSettings settings)
    {
        try
        {
            Http = await NodeHttpServer.StartAsync(this, settings);
            System.Log.Info("VMPlant node {Address} serves HTTP at {Url}", Settings.Address, Http.Url);
        }
        catch (Exception)
        {
            // A node that cannot serve its probes must not linger half started.
            await Edge.StopAsync().WaitAsync(TimeSpan.FromSeconds(30));
            await CoordinatedShutdown.Get(System).Run(CoordinatedShutdown.ClrExitReason.Instance).WaitAsync(TimeSpan.FromSeconds(30));
            throw;
        }
    }

    /// <summary>Stops the HTTP endpoints and the edge, leaves the cluster gracefully (handing the singleton over) and terminates the actor system.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Http is not null) await Http.DisposeAsync();
        await Edge.StopAsync();
        await CoordinatedShutdown.Get(System).Run(CoordinatedShutdown.ClrExitReason.Instance);
        _dataLock.Dispose();
    }
}
