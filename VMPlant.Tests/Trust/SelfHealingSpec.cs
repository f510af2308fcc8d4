using Akka.Actor;
using VMPlant.Actors.Domain;
using VMPlant.Messages;
using VMPlant.Tests.Support;
using Xunit;

namespace VMPlant.Tests.Trust;

/// <summary>
/// The shop and the plants come back whatever stops them: a PoisonPill sent from inside the cluster (where nothing
/// filters it) stops the actor, its backoff supervisor starts it again, it recovers from its journal and answers.
/// </summary>
[Collection("failover")]
public sealed class SelfHealingSpec : IAsyncLifetime
{
    private readonly TempDirectory _data = new("vmplant-heal");
    private InProcessNode _node = null!;

    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    public async Task InitializeAsync() => _node = await InProcessNode.StartAsync(_data.Path, """
        vmplant.plants = [ { name = alpha, test-node { cpus = 8, memory-mib = 16384, pool-gib = 80 } } ]
        """, expectedPlants: 1);

    public async Task DisposeAsync()
    {
        await _node.DisposeAsync();
        _data.Dispose();
    }

    [Fact]
    public async Task Shop_stopped_by_a_poison_pill_comes_back_recovers_and_answers()
    {
        var first = Assert.IsType<VmCreated>(await _node.Client.AskAsync(new CreateVm("heal-1", Spec("first")))).Vm;

        var stopped = await StopAsync("/user/shop-singleton/shop/shop");

        var again = await IdentifyAsync("/user/shop-singleton/shop/shop");
        Assert.NotEqual(stopped, again);
        // Recovered from its journal: it still knows the first VM, and it takes new work.
        Assert.Equal(VmState.Running, Assert.IsType<VmInfo>(await _node.Client.AskAsync(new ShowVm(first.VmId))).State);
        Assert.IsType<VmCreated>(await _node.Client.AskAsync(new CreateVm("heal-2", Spec("second"))));
    }

    [Fact]
    public async Task Plant_stopped_by_a_poison_pill_comes_back_with_its_vms_and_builds_again()
    {
        var first = Assert.IsType<VmCreated>(await _node.Client.AskAsync(new CreateVm("heal-3", Spec("third")))).Vm;

        await StopAsync("/user/plant-alpha/plant");

        // Back, registered again with the shop, its VM still counted; and it builds.
        await WaitForPlantWithOneVmAsync();
        Assert.Equal(VmState.Running, Assert.IsType<VmInfo>(await _node.Client.AskAsync(new ShowVm(first.VmId))).State);
        Assert.IsType<VmCreated>(await _node.Client.AskAsync(new CreateVm("heal-4", Spec("fourth"))));
    }

    [Fact]
    public async Task Shop_singleton_itself_stopped_by_a_poison_pill_comes_back_through_the_keeper()
    {
        var first = Assert.IsType<VmCreated>(await _node.Client.AskAsync(new CreateVm("heal-5", Spec("fifth")))).Vm;

        // The singleton (the shop's supervisor) and then its manager: Akka restarts neither by itself.
        var singleton = await StopAsync("/user/shop-singleton/shop");
        Assert.NotEqual(singleton, await IdentifyAsync("/user/shop-singleton/shop"));
        var manager = await StopAsync("/user/shop-singleton");
        Assert.NotEqual(manager, await IdentifyAsync("/user/shop-singleton"));

        await IdentifyAsync("/user/shop-singleton/shop/shop");
        Assert.Equal(VmState.Running, Assert.IsType<VmInfo>(await _node.Client.AskAsync(new ShowVm(first.VmId))).State);
        Assert.IsType<VmCreated>(await _node.Client.AskAsync(new CreateVm("heal-6", Spec("sixth"))));
    }

    [Fact]
    public async Task Plant_supervisor_stopped_by_a_poison_pill_comes_back_through_the_keeper()
    {
        var first = Assert.IsType<VmCreated>(await _node.Client.AskAsync(new CreateVm("heal-7", Spec("seventh")))).Vm;

        var supervisor = await StopAsync("/user/plant-alpha");

        Assert.NotEqual(supervisor, await IdentifyAsync("/user/plant-alpha"));
        await WaitForPlantWithOneVmAsync();
        Assert.Equal(VmState.Running, Assert.IsType<VmInfo>(await _node.Client.AskAsync(new ShowVm(first.VmId))).State);
        Assert.IsType<VmCreated>(await _node.Client.AskAsync(new CreateVm("heal-8", Spec("eighth"))));
    }

    /// <summary>Waits until the plant is back, registered with the shop, connected and holding its one VM.</summary>
    private async Task WaitForPlantWithOneVmAsync()
    {
        var deadline = DateTime.UtcNow + Patience;
        while (await _node.Client.AskAsync(ListPlants.Instance) is not PlantList { Plants: [{ HypervisorUp: true, Vms: 1 }] })
        {
            Assert.True(DateTime.UtcNow < deadline, "the plant did not come back");
            await Task.Delay(200);
        }
    }

    /// <summary>Sends a PoisonPill to the actor at <paramref name="path"/> and waits until it has stopped; returns the stopped ref.</summary>
    private async Task<IActorRef> StopAsync(string path)
    {
        var target = await IdentifyAsync(path);
        var watcher = Inbox.Create(_node.Node.System);
        watcher.Watch(target);
        target.Tell(PoisonPill.Instance);
        var terminated = Assert.IsType<Terminated>(await watcher.ReceiveAsync(Patience));
        Assert.Equal(target, terminated.ActorRef);
        return target;
    }

    /// <summary>The live actor at <paramref name="path"/>, waiting for it to (re)appear.</summary>
    private async Task<IActorRef> IdentifyAsync(string path)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            var identity = await _node.Node.System.ActorSelection(path).Ask<ActorIdentity>(new Identify(path), Patience);
            if (identity.Subject is { } found) return found;
            Assert.True(DateTime.UtcNow < deadline, $"nothing at {path}");
            await Task.Delay(100);
        }
    }

    private static VmSpec Spec(string name) =>
        VmSpecParser.ParseFile(Path.Combine(RepoPaths.Examples, "debian-mpi.conf")) with { Name = name, Resources = new Resources(1, 512, 2) };
}
