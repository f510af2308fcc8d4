using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.Tools.Client;
using Akka.Cluster.Tools.Singleton;
using Akka.Configuration;
using Akka.Event;
using VMPlant.Actors.Plant;
using VMPlant.Actors.Shop;
using VMPlant.Host.Configuration;

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

    private readonly DataDirectoryLock _dataLock;

    private VmPlantNode(ActorSystem system, NodeSettings settings, IActorRef shopProxy, IReadOnlyList<IActorRef> plants, DataDirectoryLock dataLock)
    {
        _dataLock = dataLock;
        System = system;
        Settings = settings;
        ShopProxy = shopProxy;
        Plants = plants;
    }

    public ActorSystem System { get; }

    public NodeSettings Settings { get; }

    public IActorRef ShopProxy { get; }

    public IReadOnlyList<IActorRef> Plants { get; }

    public static VmPlantNode Start(Config config)
    {
        var settings = SettingsReader.Node(config);
        var shopSettings = SettingsReader.Shop(config);
        var plantSettings = settings.IsPlant ? SettingsReader.Plants(config) : [];
        // Two nodes on one data directory would recover and write the same journals: refuse the second.
        var dataLock = DataDirectoryLock.Acquire(settings.DataDir);
        ActorSystem system;
        try
        {
            PortCheck.EnsureFree(settings.Hostname, settings.Port);
            SqliteJournal.EnableWriteAheadLog(config);
            system = ActorSystem.Create(SystemName, config);
        }
        catch
        {
            dataLock.Dispose();
            throw;
        }
        // Released when the system ends, however it ends (a test may terminate it without DisposeAsync).
        system.WhenTerminated.ContinueWith(_ => dataLock.Dispose(), TaskScheduler.Default);
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
        return new VmPlantNode(system, settings, proxy, plants, dataLock);
    }

    /// <summary>Leaves the cluster gracefully (handing the singleton over) and terminates the actor system.</summary>
    public async ValueTask DisposeAsync()
    {
        await CoordinatedShutdown.Get(System).Run(CoordinatedShutdown.ClrExitReason.Instance);
        _dataLock.Dispose();
    }
}
