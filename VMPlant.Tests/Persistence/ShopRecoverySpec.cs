using System.Collections.Immutable;
using System.Text.Json;
using Akka.Actor;
using Akka.TestKit.Xunit2;
using VMPlant.Actors.Domain;
using VMPlant.Actors.Serialization;
using VMPlant.Actors.Shop;
using VMPlant.Messages;
using VMPlant.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace VMPlant.Tests.Persistence;

/// <summary>The shop rebuilt from its journal (events alone, or a snapshot plus later events) is the shop it was.</summary>
public sealed class ShopRecoverySpec(ITestOutputHelper output) : TestKit(TestConfig.ActorSpec(), output: output)
{
    private static readonly ShopSettings Settings = TestShopSettings.Fast with { SnapshotEvery = 4 };

    /// <summary>A realistic history: requests accepted, awarded, completed, failed, a VM configured and one destroyed.</summary>
    private static IReadOnlyList<IVmPlantEvent> History()
    {
        var spec = SpecBuilder.MpiSolver();
        var at = new DateTimeOffset(2026, 11, 26, 5, 0, 0, TimeSpan.Zero);
        var events = new List<IVmPlantEvent>();
        for (var i = 0; i < 10; i++)
        {
            var requestId = $"r{i}";
            var vmId = $"vm-{i}";
            events.Add(new RequestAccepted(requestId, vmId, spec, at.AddSeconds(i)));
            if (i % 4 == 3)
            {
                events.Add(new RequestFailed(requestId, "no plant can host this VM", [], [new DeclineSummary("a", "full")]));
                continue;
            }
            events.Add(new RequestAwarded(requestId, "a", [new BidSummary("a", 10 + i, "base", 0, 3, new Resources(4, 4096, 40))], []));
            var vm = new VmInfo(vmId, spec.Name, "a", VmState.Running, spec.Resources, "base", [], at.AddSeconds(i));
            events.Add(new RequestCompleted(requestId, vm, new CreateReport("a", "base", ["os"], [], 10, 1, [], [])));
        }
        events.Add(new VmDeleted("vm-1", at.AddMinutes(1)));
        return events;
    }

    private static string Canonical(ShopState state) => JsonSerializer.Serialize(new
    {
        Requests = ShopSnapshot.Of(state).Requests.OrderBy(r => r.RequestId).Select(r => JsonSerializer.Serialize(r)),
        Vms = state.Vms.Values.OrderBy(v => v.VmId).Select(v => JsonSerializer.Serialize(v)),
        Remembered = state.Remembered.Values.OrderBy(r => r.RequestId).Select(r => JsonSerializer.Serialize(r)),
    });

    [Fact]
    public void Snapshot_plus_later_events_gives_the_same_state_as_every_event()
    {
        var history = History();
        var fromEvents = history.Aggregate(ShopState.Empty, (s, e) => s.Apply(e));
        for (var cut = 0; cut <= history.Count; cut++)
        {
            var snapshot = ShopSnapshot.Of(history.Take(cut).Aggregate(ShopState.Empty, (s, e) => s.Apply(e)));
            var restored = history.Skip(cut).Aggregate(snapshot.Restore(), (s, e) => s.Apply(e));
            Assert.Equal(Canonical(fromEvents), Canonical(restored));
        }
        Assert.Equal(VmState.Destroyed, fromEvents.Vms["vm-1"].State);
        // r3 and r7; written without times, as before retention existed, they are kept in short once the next request comes.
        Assert.Equal(2, fromEvents.Requests.Values.Count(r => r.Status == RequestStatus.Failed) + fromEvents.Remembered.Values.Count(r => r.Status == RequestStatus.Failed));
    }

    [Fact]
    public void A_restarted_shop_answers_retries_with_the_outcomes_it_journaled()
    {
        var plant = CreateTestProbe();
        var shop = Sys.ActorOf(ShopActor.Props(Settings), "shop-1");
        shop.Tell(new RegisterPlant("a", plant.Ref));
        var created = new List<VmCreated>();
        for (var i = 0; i < 6; i++) created.Add(ProbePlant.Create(this, shop, plant, $"req-{i}", SpecBuilder.MpiSolver($"vm{i}")));
        Watch(shop);
        shop.Tell(StopShop.Instance);
        ExpectTerminated(shop);

        // Six completions at snapshot-every 4: the new incarnation starts from a snapshot and replays the rest.
        var restarted = Sys.ActorOf(ShopActor.Props(Settings), "shop-2");
        for (var i = 0; i < 6; i++)
        {
            restarted.Tell(new CreateVm($"req-{i}", SpecBuilder.MpiSolver($"vm{i}")));
            Assert.Equal(created[i].Vm.VmId, ExpectMsg<VmCreated>().Vm.VmId);
        }
        plant.ExpectNoMsg(TimeSpan.FromMilliseconds(300));
        restarted.Tell(new ListVms([]));
        Assert.Equal(created.Select(c => c.Vm.VmId).Order().ToArray(), ExpectMsg<VmList>().Vms.Select(v => v.VmId).Order().ToArray());
    }

    [Fact]
    public void After_a_restart_an_award_is_resumed_once_its_plant_registers_and_a_refusal_is_bid_again()
    {
        var spec = SpecBuilder.MpiSolver("held");
        Sys.ActorOf(JournalSeeder.Props(ShopSettings.PersistenceId, [
            new RequestAccepted("held", "vm-held", spec, DateTimeOffset.UtcNow),
            new RequestAwarded("held", "a", [new BidSummary("a", 1, "base", 0, 3, new Resources(8, 8192, 80))], []),
        ], TestActor));
        ExpectMsg("seeded");
        var (a, b) = (CreateTestProbe("plant-a"), CreateTestProbe("plant-b"));

        // The window is long: only plant a's registration (it holds the award) may close it early.
        var shop = Sys.ActorOf(ShopActor.Props(Settings with { PlantDiscovery = TimeSpan.FromSeconds(20) }));
        shop.Tell(new RegisterPlant("b", b.Ref));
        b.ExpectNoMsg(TimeSpan.FromMilliseconds(300));
        shop.Tell(new RegisterPlant("a", a.Ref));
        Assert.Equal("vm-held", a.ExpectMsg<Award>(TimeSpan.FromSeconds(3)).VmId);

        shop.Tell(new AwardRefused("held", "a", "the reservation was lost"), a.Ref);
        Assert.Equal("held", b.ExpectMsg<RequestBid>(TimeSpan.FromSeconds(3)).RequestId);
        Assert.Equal("held", a.ExpectMsg<RequestBid>(TimeSpan.FromSeconds(3)).RequestId);
    }
}
