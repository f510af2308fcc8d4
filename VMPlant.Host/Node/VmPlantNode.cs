using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.Tools.Client;
using Akka.Cluster.Tools.Singleton;
using Akka.Configuration;
using Akka.Event;
using VMPlant.Actors.Plant;
using VMPlant.Actors.Shop;
using VMPlant.Host.Configuration;
using VMPlant.Host.Http;

namespace VMPlant.Host.Node;

/// <summary>
/// One VMPlant cluster member: the shop singleton (on shop nodes), a singleton proxy, the plants configured for
/// this node, and the cluster-client receptionist through which the CLI and other actor systems reach the shop.
/// </summary>
public sealed class VmPlantNode : IAsyncDisposable
{
    public const string SystemName = "vmplant";
    public const string ShopProxyName = "shop-proxy";
    public const string ShopProxyPath = "/user/" + ShopProxyName;

    private VmPlantNode(ActorSystem system, NodeSettings settings, IActorRef shopProxy, IReadOnlyList<IActorRef> plants)
    {
        System = system;
        Settings = settings;
        ShopProxy = shopProxy;
        Plants = plants;
    }

    public ActorSystem System { get; }

    public NodeSettings Settings { get; }

    public IActorRef ShopProxy { get; }

    public IReadOnlyList<IActorRef> Plants { get; }

    /// <summary>The node's HTTP endpoints (health probes), or null when vmplant.http.enabled is off.</summary>
    public NodeHttpServer? Http { get; private set; }

    public static VmPlantNode Start(Config config)
    {
        var settings = SettingsReader.Node(config);
        var shopSettings = SettingsReader.Shop(config);
        var plantSettings = settings.IsPlant ? SettingsReader.Plants(config) : [];
        var httpSettings = HttpSettings.From(config);
        Directory.CreateDirectory(settings.DataDir);
        SqliteJournal.EnableWriteAheadLog(config);

        var system = ActorSystem.Create(SystemName, config);
        var cluster = Cluster.Get(system);
        if (settings.SeedNodes.IsEmpty) cluster.Join(cluster.SelfAddress);
        else cluster.JoinSeedNodes(settings.SeedNodes.Select(Address.Parse));

        if (settings.IsShop)
        {
            system.ActorOf(ShopJournalWarmup.Props(shopSettings), "shop-journal-warmup");
            system.ActorOf(ClusterSingletonManager.Props(
                    ShopActor.Props(shopSettings),
                    StopShop.Instance,
                    ClusterSingletonManagerSettings.Create(system).WithRole("shop").WithSingletonName("shop")),
                "shop-singleton");
        }
        var proxy = system.ActorOf(ClusterSingletonProxy.Props(
                "/user/shop-singleton",
                ClusterSingletonProxySettings.Create(system).WithRole("shop").WithSingletonName("shop")),
            ShopProxyName);
        ClusterClientReceptionist.Get(system).RegisterService(proxy);

        var plants = plantSettings.Select(p => system.ActorOf(PlantActor.Props(p, proxy), $"plant-{p.Name}")).ToList();
        system.Log.Info("VMPlant node {Address} up: roles [{Roles}], plants [{Plants}], data in {DataDir}",
            settings.Address, string.Join(", ", settings.Roles), string.Join(", ", plantSettings.Select(p => p.Name)), settings.DataDir);
        var node = new VmPlantNode(system, settings, proxy, plants);
        if (httpSettings.Enabled) node.StartHttp(httpSettings);
        return node;
    }

    private void StartHttp(HttpSettings settings)
    {
        try
        {
            Http = NodeHttpServer.StartAsync(this, settings).GetAwaiter().GetResult();
            System.Log.Info("VMPlant node {Address} serves HTTP at {Url}", Settings.Address, Http.Url);
        }
        catch (Exception)
        {
            // A node that cannot serve its probes must not linger half started.
            CoordinatedShutdown.Get(System).Run(CoordinatedShutdown.ClrExitReason.Instance).Wait(TimeSpan.FromSeconds(30));
            throw;
        }
    }

    /// <summary>Stops the HTTP endpoints, leaves the cluster gracefully (handing the singleton over) and terminates the actor system.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Http is not null) await Http.DisposeAsync();
        await CoordinatedShutdown.Get(System).Run(CoordinatedShutdown.ClrExitReason.Instance);
    }
}
