using Akka.Actor;
using Akka.Configuration;
using Akka.TestKit.Xunit2;
using VMPlant.Actors.Domain;
using VMPlant.Actors.Plant;
using VMPlant.Messages;
using VMPlant.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace VMPlant.Tests.Actors.Plant;

/// <summary>
/// A plant journals many awards' events per write (group commit) on a slow journal, yet answers an award only once its
/// reservation is journaled, never promises the same capacity twice while reservations are still being written, and
/// recovers exactly the reservations it acknowledged after a restart.
/// </summary>
public sealed class PlantGroupCommitSpec(ITestOutputHelper output)
    : TestKit(ConfigurationFactory.ParseString(SlowReportingJournal.Hocon).WithFallback(TestConfig.ActorSpec()), output: output)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private readonly TempDirectory _data = new();

    /// <summary>A spec of <paramref name="vcpus"/> vCPUs that reuses nothing special; each request gets its own name.</summary>
    private static VmSpec Spec(string name, int vcpus) => SpecBuilder.DebianOnly(name) with { Resources = new Resources(vcpus, 256, 1) };

    private IActorRef StartPlant(PlantSettings settings)
    {
        var plant = Sys.ActorOf(PlantActor.Props(settings, TestActor));
        FishForMessage<RegisterPlant>(r => r.Plant == settings.Name, Patience);
        return plant;
    }

    [Fact]
    public void An_award_is_answered_only_after_its_reservation_is_journaled()
    {
        Sys.EventStream.Subscribe(TestActor, typeof(JournalWritten));
        var plant = StartPlant(PlantSettingsBuilder.TestNode("gc1", _data.Path, publish: PublishRule.Never));

        plant.Tell(new Award("r1", "r1-vm", Spec("one", 1)));

        // The journal announces a write before returning from it, so an answer sent before the write lands behind it.
        var written = FishForMessage<object>(m => m is JournalWritten { Events: var events } && events.Any(e => e is VmReserved) || m is AwardAccepted, Patience);
        Assert.IsType<JournalWritten>(written);
        FishForMessage<AwardAccepted>(_ => true, Patience);
        var built = FishForMessage<object>(m => m is JournalWritten { Events: var events } && events.Any(e => e is VmBuilt) || m is VmReady, Patience);
        Assert.IsType<JournalWritten>(built);
        FishForMessage<VmReady>(_ => true, Patience);
    }

    [Fact]
    public void A_burst_of_awards_is_journaled_in_fewer_writes_and_capacity_is_never_promised_twice()
    {
        var journal = CreateTestProbe("journal");
        Sys.EventStream.Subscribe(journal.Ref, typeof(JournalWritten));
        // 4 vCPUs, no overcommit: two 2-vCPU VMs fit, whatever order the awards are decided in.
        var plant = StartPlant(PlantSettingsBuilder.TestNode("gc2", _data.Path, cpus: 4, publish: PublishRule.Never));
        const int awards = 12;
        var requesters = Enumerable.Range(0, awards).Select(i => CreateTestProbe($"shop-{i}")).ToList();
        for (var i = 0; i < awards; i++) plant.Tell(new Award($"r{i}", $"r{i}-vm", Spec($"vm{i}", 2)), requesters[i].Ref);

        var answers = requesters.Select(r => r.ExpectMsg<IVmPlantMessage>(m => m is AwardAccepted or AwardRefused, Patience)).ToList();
        Assert.Equal(2, answers.Count(a => a is AwardAccepted));
        Assert.All(answers.OfType<AwardRefused>(), r => Assert.StartsWith("not enough vCPUs", r.Reason));

        plant.Tell(GetPlantStatus.Instance);
        var status = FishForMessage<PlantStatus>(_ => true, Patience);
        Assert.Equal(2, status.Vms);
        Assert.Equal(0, status.Free.Vcpus);

        // Twelve small awards on a fresh plant: the reservations travel in fewer writes than awards.
        var roomySettings = PlantSettingsBuilder.TestNode("gc3", _data.Path, cpus: 64, memoryMiB: 65536, publish: PublishRule.Never);
        var roomy = StartPlant(roomySettings);
        var shop = CreateTestProbe("shop");
        for (var i = 0; i < awards; i++) roomy.Tell(new Award($"s{i}", $"s{i}-vm", Spec($"small{i}", 1)), shop.Ref);
        var accepted = 0;
        while (accepted < awards)
            if (shop.ExpectMsg<IVmPlantMessage>(Patience) is AwardAccepted) accepted++;
        var reservationWrites = 0;
        var reserved = 0;
        while (reserved < awards)
        {
            var write = journal.ExpectMsg<JournalWritten>(Patience);
            var count = write.PersistenceId == roomySettings.PersistenceId ? write.Events.Count(e => e is VmReserved) : 0;
            if (count == 0) continue;
            reservationWrites++;
            reserved += count;
        }
        Assert.Equal(awards, reserved);
        Assert.InRange(reservationWrites, 1, awards - 1);
    }

    [Fact]
    public void A_restarted_plant_holds_exactly_the_reservations_it_acknowledged()
    {
        var settings = PlantSettingsBuilder.TestNode("gc4", _data.Path, cpus: 4, publish: PublishRule.Never);
        var plant = StartPlant(settings);
        var shop = CreateTestProbe("shop");
        for (var i = 0; i < 5; i++) plant.Tell(new Award($"r{i}", $"r{i}-vm", Spec($"vm{i}", 1)), shop.Ref);
        var accepted = Enumerable.Range(0, 5).Select(_ => shop.FishForMessage<IVmPlantMessage>(m => m is AwardAccepted or AwardRefused, Patience))
            .OfType<AwardAccepted>().Select(a => a.RequestId).ToHashSet();
        Assert.Equal(4, accepted.Count);

        Watch(plant);
        Sys.Stop(plant);
        ExpectTerminated(plant, Patience);

        var restarted = StartPlant(settings);
        AwaitAssert(() =>
        {
            restarted.Tell(ListPlantVms.Instance);
            var vms = FishForMessage<VmList>(_ => true, Patience).Vms;
            Assert.Equal(accepted.Count, vms.Count(v => v.State == VmState.Running));
        }, Patience);
        restarted.Tell(GetPlantStatus.Instance);
        var status = FishForMessage<PlantStatus>(_ => true, Patience);
        Assert.Equal(4, status.Vms);
        Assert.Equal(0, status.Free.Vcpus);

        restarted.Tell(new Award("late", "late-vm", Spec("late", 1)), shop.Ref);
        Assert.StartsWith("not enough vCPUs", shop.FishForMessage<AwardRefused>(_ => true, Patience).Reason);
        // Each acknowledged award, sent again, is recognised (never built twice).
        foreach (var requestId in accepted)
        {
            restarted.Tell(new Award(requestId, requestId + "-vm", Spec("again", 1)), shop.Ref);
            shop.FishForMessage<AwardAccepted>(a => a.RequestId == requestId, Patience);
        }
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing) _data.Dispose();
    }
}
