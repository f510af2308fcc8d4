using System.Text;
using Akka.Actor;
using Akka.Serialization;
using Akka.TestKit.Xunit2;
using VMPlant.Actors.Domain;
using VMPlant.Actors.Plant;
using VMPlant.Actors.Shop;
using VMPlant.Messages;
using VMPlant.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace VMPlant.Tests.Actors.Shop;

/// <summary>
/// The shop with a real plant on a libvirt test-driver host: concurrent configures of one VM all land on it exactly
/// once, a request id reused for another request is a conflict, bad ids never reach the journal, and a destroyed VM
/// is reported destroyed by every question about it.
/// </summary>
public sealed class ShopRequestRulesSpec(ITestOutputHelper output) : TestKit(TestConfig.ActorSpec(), output: output)
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(60);
    private readonly TempDirectory _data = new();

    private IActorRef ShopWithPlant(string plantName)
    {
        var shop = Sys.ActorOf(ShopActor.Props(TestShopSettings.Fast with { BidTimeout = TimeSpan.FromSeconds(5), AwardTimeout = TimeSpan.FromSeconds(10) }));
        Sys.ActorOf(PlantActor.Props(PlantSettingsBuilder.TestNode(plantName, _data.Path), shop), plantName);
        AwaitAssert(() =>
        {
            shop.Tell(ListPlants.Instance);
            Assert.Single(ExpectMsg<PlantList>(TimeSpan.FromSeconds(10)).Plants);
        }, Generous);
        return shop;
    }

    private VmCreated Create(IActorRef shop, string requestId, VmSpec spec)
    {
        shop.Tell(new CreateVm(requestId, spec));
        return ExpectMsg<VmCreated>(Generous);
    }

    [Fact]
    public void Six_concurrent_configures_of_one_vm_all_end_up_on_it_exactly_once()
    {
        var shop = ShopWithPlant("conf");
        var vm = Create(shop, "r1", SpecBuilder.DebianOnly()).Vm;

        var clients = Enumerable.Range(1, 6).Select(i => CreateTestProbe($"client-{i}")).ToList();
        for (var i = 0; i < clients.Count; i++)
            shop.Tell(new ConfigureVm($"c{i + 1}", vm.VmId, [SpecBuilder.Action($"tool{i + 1}", "install-package", 1, ["base"], ("package", $"tool{i + 1}"))]), clients[i].Ref);
        for (var i = 0; i < clients.Count; i++)
        {
            var configured = clients[i].ExpectMsg<VmCreated>(Generous);
            Assert.Equal([$"tool{i + 1}"], configured.Report.PerformedActionIds.ToArray());
        }

        string[] expected = ["base", "tool1", "tool2", "tool3", "tool4", "tool5", "tool6"];
        shop.Tell(new ShowVm(vm.VmId));
        Assert.Equal(expected, ExpectMsg<VmInfo>().Actions.Select(a => a.Id).Order(StringComparer.Ordinal));
        Sys.ActorSelection("/user/conf").Tell(ListPlantVms.Instance);
        Assert.Equal(expected, Assert.Single(ExpectMsg<VmList>().Vms).Actions.Select(a => a.Id).Order(StringComparer.Ordinal));

        // An acknowledged action is not performed twice: sent again under a new id, the plant refuses it.
        shop.Tell(new ConfigureVm("c7", vm.VmId, [SpecBuilder.Action("tool3", "install-package", 1, ["base"], ("package", "tool3"))]));
        Assert.Contains("actions[tool3].id: is already an action of VM", ExpectMsg<RequestRejected>(Generous).Reason);
    }

    [Fact]
    public void A_request_id_reused_for_another_request_is_a_conflict_and_a_bad_id_is_refused_unjournaled()
    {
        var shop = ShopWithPlant("ids");
        var vm = Create(shop, "r1", SpecBuilder.DebianOnly()).Vm;

        shop.Tell(new CreateVm("r1", SpecBuilder.DebianOnly("other-name")));
        Assert.Contains("request id \"r1\" was already used for a different request (a create of VM", ExpectMsg<RequestRejected>().Reason);
        shop.Tell(new ConfigureVm("r1", vm.VmId, [SpecBuilder.Action("htop", "install-package", 1, ["base"], ("package", "htop"))]));
        Assert.Contains("not a configure", ExpectMsg<RequestRejected>().Reason);
        shop.Tell(new CreateVm("r1", SpecBuilder.DebianOnly()));
        Assert.Equal(vm.VmId, ExpectMsg<VmCreated>().Vm.VmId); // the same request: its outcome

        foreach (var bad in new[] { "", "two words", "nul\0" })
        {
            shop.Tell(new CreateVm(bad, SpecBuilder.DebianOnly("bad-id")));
            Assert.StartsWith("a request id ", ExpectMsg<RequestRejected>().Reason);
        }
        shop.Tell(new ListVms([]));
        Assert.Equal([vm.VmId], ExpectMsg<VmList>().Vms.Select(v => v.VmId));

        // Recovered from the journal, the shop still tells the request apart.
        Watch(shop);
        shop.Tell(StopShop.Instance);
        ExpectTerminated(shop);
        var restarted = Sys.ActorOf(ShopActor.Props(TestShopSettings.Fast));
        restarted.Tell(new CreateVm("r1", SpecBuilder.DebianOnly("other-name")));
        Assert.Contains("was already used for a different request", ExpectMsg<RequestRejected>().Reason);
    }

    [Fact]
    public void Fingerprints_survive_the_serializer_and_events_and_snapshots_written_without_them_still_read()
    {
        var spec = SpecBuilder.DebianOnly();
        var accepted = new RequestAccepted("r", "vm", spec, DateTimeOffset.UnixEpoch) { Fingerprint = RequestFingerprint.OfCreate(spec) };
        var serializer = (SerializerWithStringManifest)Sys.Serialization.FindSerializerFor(accepted);
        T RoundTrip<T>(T value, Func<string, string>? edit = null) where T : notnull
        {
            var json = Encoding.UTF8.GetString(serializer.ToBinary(value));
            return (T)serializer.FromBinary(Encoding.UTF8.GetBytes(edit?.Invoke(json) ?? json), serializer.Manifest(value));
        }

        Assert.Equal(accepted.Fingerprint, RoundTrip(accepted).Fingerprint);
        var state = ShopState.Empty.Apply(accepted);
        Assert.Equal(accepted.Fingerprint, RoundTrip(ShopSnapshot.Of(state)).Restore().Requests["r"].Fingerprint);

        // As written before fingerprints existed: no such property at all.
        static string Legacy(string json) => json.Replace(",\"Fingerprint\":null", "").Replace("\"Fingerprint\":null,", "");
        var old = RoundTrip(accepted with { Fingerprint = null }, Legacy);
        Assert.Null(old.Fingerprint);
        Assert.Equal(spec.Name, old.Spec.Name);
        var oldSnapshot = RoundTrip(ShopSnapshot.Of(ShopState.Empty.Apply(old)), Legacy);
        Assert.Null(oldSnapshot.Restore().Requests["r"].Fingerprint);
    }

    [Fact]
    public void A_destroyed_vm_is_destroyed_for_show_destroy_and_the_ids_that_made_it()
    {
        var shop = ShopWithPlant("gone");
        var vm = Create(shop, "r1", SpecBuilder.DebianOnly()).Vm;
        shop.Tell(new ConfigureVm("c1", vm.VmId, [SpecBuilder.Action("htop", "install-package", 1, ["base"], ("package", "htop"))]));
        ExpectMsg<VmCreated>(Generous);

        shop.Tell(new DestroyVm(vm.VmId));
        Assert.False(ExpectMsg<VmDestroyed>(Generous).AlreadyDestroyed);
        shop.Tell(new DestroyVm(vm.VmId));
        var again = ExpectMsg<VmDestroyed>();
        Assert.True(again.AlreadyDestroyed);
        Assert.Equal(("gone", vm.VmId), (again.Plant, again.VmId));

        shop.Tell(new ShowVm(vm.VmId));
        Assert.Equal(VmState.Destroyed, ExpectMsg<VmInfo>().State);
        shop.Tell(new CreateVm("r1", SpecBuilder.DebianOnly()));
        Assert.Equal(VmState.Destroyed, ExpectMsg<VmCreated>().Vm.State);
        shop.Tell(new ConfigureVm("c1", vm.VmId, [SpecBuilder.Action("htop", "install-package", 1, ["base"], ("package", "htop"))]));
        Assert.Equal(VmState.Destroyed, ExpectMsg<VmCreated>().Vm.State);
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing) _data.Dispose();
    }
}
