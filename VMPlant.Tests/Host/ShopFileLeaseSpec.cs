using System.Diagnostics;
using Akka.Actor;
using Akka.Configuration;
using Akka.Coordination;
using VMPlant.Host.Configuration;
using VMPlant.Host.Node;
using VMPlant.Tests.Support;
using Xunit;

namespace VMPlant.Tests.Host;

/// <summary>
/// The shop singleton's file lease: one holder among actor systems and processes, free the moment its holder is
/// killed, and held until the shop singleton has stopped even when the singleton manager releases it earlier.
/// </summary>
public sealed class ShopFileLeaseSpec : IAsyncLifetime
{
    private static readonly TimeSpan Ceiling = TimeSpan.FromSeconds(60);
    private readonly TempDirectory _dir = new("vmplant-lease");
    private readonly List<ActorSystem> _systems = [];

    private string Database => Path.Combine(_dir.Path, "shop.db");

    private Config NodeConfig(params string[] overrides) => VMPlant.Host.Configuration.NodeConfig.Load(null,
        new[] { "akka.actor.provider = local", VMPlant.Host.Configuration.NodeConfig.Set("vmplant.shop.persistence.connection-string", $"Data Source={Database}") }
            .Concat(overrides));

    private Lease LeaseOn(string owner)
    {
        var system = ActorSystem.Create("lease" + _systems.Count, NodeConfig());
        _systems.Add(system);
        return LeaseProvider.Get(system).GetLease("vmplant-singleton-shop", ShopFileLease.ConfigPath, owner);
    }

    [Fact]
    public async Task One_actor_system_holds_the_lease_until_it_releases_it()
    {
        var (a, b) = (LeaseOn("a"), LeaseOn("b"));
        Assert.IsType<ShopFileLease>(a);
        Assert.Equal(Database + ".shop-lease", ((ShopFileLease)a).Path);
        Assert.True(await a.Acquire());
        Assert.True(await a.Acquire(), "acquiring again while holding it");
        Assert.True(a.CheckLease());
        Assert.False(await b.Acquire());
        Assert.False(b.CheckLease());
        Assert.True(await a.Release());
        Assert.False(a.CheckLease());
        Assert.True(await b.Acquire());
        Assert.False(await a.Acquire());
    }

    [Fact]
    public async Task A_kill_9_of_the_holding_process_frees_the_lease_at_once()
    {
        var lease = LeaseOn("survivor");
        // Another process takes the same lock (util-linux flock(1) uses flock(2) as the lease does; --close keeps the
        // locked descriptor out of its child) and is killed.
        using var holder = Process.Start(new ProcessStartInfo("flock", ["--exclusive", "--close", Database + ".shop-lease", "sleep", "600"]))!;
        var deadline = DateTime.UtcNow + Ceiling;
        while (await lease.Acquire())
        {
            await lease.Release();
            Assert.True(DateTime.UtcNow < deadline, "the other process never took the lock");
            await Task.Delay(50);
        }
        holder.Kill(entireProcessTree: true);
        await holder.WaitForExitAsync();
        Assert.True(await lease.Acquire());
    }

    [Fact]
    public async Task Release_keeps_the_lock_until_the_shop_singleton_has_stopped()
    {
        var (a, b) = (LeaseOn("a"), LeaseOn("b"));
        var manager = _systems[0].ActorOf(Props.Create(() => new FakeSingletonManager()), VmPlantNode.SingletonManagerName);
        var singleton = await manager.Ask<IActorRef>("singleton", Ceiling);
        Assert.True(await a.Acquire());
        // The manager releases as it leaves the oldest state, while the shop may still be stopping.
        var release = a.Release();
        Assert.False(release.IsCompleted);
        Assert.False(await b.Acquire());
        await singleton.GracefulStop(Ceiling);
        Assert.True(await release.WaitAsync(Ceiling));
        Assert.True(await b.Acquire());
    }

    [Fact]
    public void The_lease_is_off_for_other_journals_and_when_switched_off_and_a_bad_mode_is_refused()
    {
        var postgres = NodeConfig(
            VMPlant.Host.Configuration.NodeConfig.Set("vmplant.shop.persistence.provider-name", "PostgreSQL.15"),
            VMPlant.Host.Configuration.NodeConfig.Set("vmplant.shop.persistence.connection-string", "Host=127.0.0.1;Database=vmplant"));
        Assert.Null(ShopFileLease.LeaseFile(postgres, SettingsReader.Shop(postgres)));
        var off = NodeConfig("vmplant.shop.lease.mode = off");
        Assert.Null(ShopFileLease.LeaseFile(off, SettingsReader.Shop(off)));
        var bad = NodeConfig("vmplant.shop.lease.mode = sometimes");
        var error = Assert.Throws<ConfigurationException>(() => ShopFileLease.LeaseFile(bad, SettingsReader.Shop(bad)));
        Assert.Contains("vmplant.shop.lease.mode", error.Message);
    }

    /// <summary>Stands where the singleton manager stands, with a child where the shop singleton would be.</summary>
    private sealed class FakeSingletonManager : ReceiveActor
    {
        public FakeSingletonManager()
        {
            var singleton = Context.ActorOf(Props.Create(() => new Idle()), NodeKeeper.SingletonName);
            Receive<string>(_ => Sender.Tell(singleton));
        }
    }

    private sealed class Idle : ReceiveActor;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var system in _systems) await system.Terminate();
        _dir.Dispose();
    }
}
