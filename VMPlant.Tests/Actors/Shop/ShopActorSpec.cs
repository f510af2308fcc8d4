using System.Collections.Immutable;
using Akka.Actor;
using Akka.TestKit;
using Akka.TestKit.Xunit2;
using VMPlant.Actors.Domain;
using VMPlant.Actors.Shop;
using VMPlant.Messages;
using VMPlant.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace VMPlant.Tests.Actors.Shop;

/// <summary>The shop's auction, award fallback, idempotency and destroy, against probe plants.</summary>
public sealed class ShopActorSpec(ITestOutputHelper output) : TestKit(TestConfig.ActorSpec(), output: output)
{
    private static readonly ShopSettings Settings = TestShopSettings.Fast;

    private static BidSummary Offer(string plant, double cost, long freeMemory = 4096) =>
        new(plant, cost, "img-" + plant, 1, 2, new Resources(4, freeMemory, 50));

    private (IActorRef Shop, TestProbe A, TestProbe B) ShopWithTwoPlants()
    {
        var shop = Sys.ActorOf(ShopActor.Props(Settings));
        var a = CreateTestProbe("plant-a");
        var b = CreateTestProbe("plant-b");
        shop.Tell(new RegisterPlant("a", a.Ref));
        shop.Tell(new RegisterPlant("b", b.Ref));
        return (shop, a, b);
    }

    private static VmInfo Built(string vmId, string plant, VmSpec spec) =>
        new(vmId, spec.Name, plant, VmState.Running, spec.Resources, "img-" + plant, ImmutableArray<PerformedAction>.Empty, DateTimeOffset.UtcNow);

    private static CreateReport PlantReport(string plant) =>
        new(plant, "img-" + plant, ["solver"], ["os", "mpi"], 305, 1.5, ImmutableArray<BidSummary>.Empty, ImmutableArray<DeclineSummary>.Empty);

    [Fact]
    public void Awards_the_cheapest_bid_and_reports_every_bid()
    {
        var (shop, a, b) = ShopWithTwoPlants();
        var spec = SpecBuilder.MpiSolver();
        shop.Tell(new CreateVm("r1", spec));

        var bidA = a.ExpectMsg<RequestBid>();
        b.ExpectMsg<RequestBid>();
        a.Reply(new Bid("r1", Offer("a", 900)));
        b.Reply(new Bid("r1", Offer("b", 305)));

        var award = b.ExpectMsg<Award>();
        Assert.Equal("r1", award.RequestId);
        a.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
        b.Reply(new AwardAccepted("r1", "b"));
        shop.Tell(new VmReady("r1", Built(award.VmId, "b", spec), PlantReport("b")), b.Ref);

        var created = ExpectMsg<VmCreated>();
        Assert.Equal("b", created.Vm.Plant);
        Assert.Equal(["b", "a"], created.Report.Bids.Select(x => x.Plant));
        Assert.Equal("r1", bidA.RequestId);
    }

    [Fact]
    public void Ties_go_to_the_plant_with_more_free_memory_then_by_name()
    {
        var ranked = BidRanking.Rank([Offer("c", 10, 100), Offer("b", 10, 200), Offer("a", 10, 200), Offer("d", 5, 1)]);
        Assert.Equal(["d", "a", "b", "c"], ranked.Select(b => b.Plant));
    }

    [Fact]
    public void A_refused_award_goes_to_the_next_bid()
    {
        var (shop, a, b) = ShopWithTwoPlants();
        var spec = SpecBuilder.MpiSolver();
        shop.Tell(new CreateVm("r2", spec));
        a.ExpectMsg<RequestBid>();
        a.Reply(new Bid("r2", Offer("a", 100)));
        b.ExpectMsg<RequestBid>();
        b.Reply(new Bid("r2", Offer("b", 200)));

        a.ExpectMsg<Award>();
        a.Reply(new AwardRefused("r2", "a", "not enough memory: needs 512 MiB, 0 MiB free"));
        var award = b.ExpectMsg<Award>();
        b.Reply(new AwardAccepted("r2", "b"));
        shop.Tell(new VmReady("r2", Built(award.VmId, "b", spec), PlantReport("b")), b.Ref);

        var created = ExpectMsg<VmCreated>();
        Assert.Equal("b", created.Vm.Plant);
        Assert.Contains(created.Report.Declines, d => d.Plant == "a" && d.Reason.Contains("refused the award"));
    }

    [Fact]
    public void A_silent_plant_is_declined_after_the_bid_timeout()
    {
        var (shop, a, b) = ShopWithTwoPlants();
        shop.Tell(new CreateVm("r3", SpecBuilder.MpiSolver()));
        a.ExpectMsg<RequestBid>();
        b.ExpectMsg<RequestBid>();
        a.Reply(new Decline("r3", new DeclineSummary("a", "not enough vCPUs: needs 1, 0 free of 4")));

        var failed = ExpectMsg<CreateVmFailed>(TimeSpan.FromSeconds(5));
        Assert.StartsWith("no plant can host this VM: a: not enough vCPUs", failed.Reason);
        Assert.Contains(failed.Declines, d => d.Plant == "a" && d.Reason.StartsWith("not enough vCPUs"));
        Assert.Contains(failed.Declines, d => d.Plant == "b" && d.Reason.StartsWith("no bid within"));
    }

    [Fact]
    public void An_award_the_winner_never_answers_goes_to_the_next_bid_after_the_award_timeout()
    {
        var (shop, a, b) = ShopWithTwoPlants();
        var spec = SpecBuilder.MpiSolver();
        shop.Tell(new CreateVm("r-silent", spec));
        a.ExpectMsg<RequestBid>();
        a.Reply(new Bid("r-silent", Offer("a", 1)));
        b.ExpectMsg<RequestBid>();
        b.Reply(new Bid("r-silent", Offer("b", 2)));

        a.ExpectMsg<Award>(); // and a stays silent
        var award = b.ExpectMsg<Award>(TimeSpan.FromSeconds(5));
        b.Reply(new AwardAccepted("r-silent", "b"));
        shop.Tell(new VmReady("r-silent", Built(award.VmId, "b", spec), PlantReport("b")), b.Ref);
        var created = ExpectMsg<VmCreated>();
        Assert.Contains(created.Report.Declines, d => d.Plant == "a" && d.Reason.StartsWith("did not answer the award"));
    }

    [Fact]
    public void The_same_request_id_gets_the_first_outcome_and_never_a_second_award()
    {
        var (shop, a, b) = ShopWithTwoPlants();
        var spec = SpecBuilder.MpiSolver();
        shop.Tell(new CreateVm("r4", spec));
        a.ExpectMsg<RequestBid>();
        a.Reply(new Bid("r4", Offer("a", 1)));
        b.ExpectMsg<RequestBid>();
        b.Reply(new Decline("r4", new DeclineSummary("b", "full")));
        var award = a.ExpectMsg<Award>();
        a.Reply(new AwardAccepted("r4", "a"));

        shop.Tell(new CreateVm("r4", spec)); // retry while building: waits for the same outcome
        shop.Tell(new VmReady("r4", Built(award.VmId, "a", spec), PlantReport("a")), a.Ref);
        var first = ExpectMsg<VmCreated>();
        var second = ExpectMsg<VmCreated>();
        Assert.Equal(first.Vm.VmId, second.Vm.VmId);

        shop.Tell(new CreateVm("r4", spec)); // retry after completion
        Assert.Equal(first.Vm.VmId, ExpectMsg<VmCreated>().Vm.VmId);
        a.ExpectNoMsg(TimeSpan.FromMilliseconds(300));
        b.ExpectNoMsg(TimeSpan.FromMilliseconds(10));
    }

    [Fact]
    public void A_bad_spec_is_rejected_with_the_reason_and_no_plant_is_asked()
    {
        var (shop, a, b) = ShopWithTwoPlants();
        var cyclic = SpecBuilder.Spec("bad", SpecBuilder.Small,
            SpecBuilder.Action("x", "run-script", 1, ["y"]),
            SpecBuilder.Action("y", "run-script", 1, ["x"]));
        shop.Tell(new CreateVm("bad-1", cyclic));

        var rejected = ExpectMsg<RequestRejected>();
        Assert.Contains("cycle", rejected.Reason);
        a.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
        b.ExpectNoMsg(TimeSpan.FromMilliseconds(10));
        shop.Tell(new ListVms([]));
        Assert.Empty(ExpectMsg<VmList>().Vms);
    }

    [Fact]
    public void Destroy_goes_to_the_vms_plant_and_the_vm_is_then_listed_as_destroyed()
    {
        var (shop, a, b) = ShopWithTwoPlants();
        var spec = SpecBuilder.MpiSolver();
        shop.Tell(new CreateVm("r5", spec));
        a.ExpectMsg<RequestBid>();
        a.Reply(new Bid("r5", Offer("a", 1)));
        b.ExpectMsg<RequestBid>();
        b.Reply(new Decline("r5", new DeclineSummary("b", "full")));
        var award = a.ExpectMsg<Award>();
        a.Reply(new AwardAccepted("r5", "a"));
        shop.Tell(new VmReady("r5", Built(award.VmId, "a", spec), PlantReport("a")), a.Ref);
        var vmId = ExpectMsg<VmCreated>().Vm.VmId;

        shop.Tell(new DestroyVm(vmId));
        Assert.Equal(vmId, a.ExpectMsg<DestroyVm>().VmId);
        a.Reply(new VmDestroyed(vmId, "a"));
        ExpectMsg<VmDestroyed>();

        shop.Tell(new ListVms([new VmFilter("state", "destroyed")]));
        Assert.Equal([vmId], ExpectMsg<VmList>().Vms.Select(v => v.VmId));
        shop.Tell(new DestroyVm(vmId)); // destroyed already: a success that says so, and the plant is not asked again
        Assert.True(ExpectMsg<VmDestroyed>().AlreadyDestroyed);
        a.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
    }

    [Fact]
    public void Unknown_list_filters_are_rejected_with_the_known_keys()
    {
        var (shop, _, _) = ShopWithTwoPlants();
        shop.Tell(new ListVms([new VmFilter("colour", "blue")]));
        var rejected = ExpectMsg<RequestRejected>();
        Assert.Contains("unknown filter key 'colour'", rejected.Reason);
        Assert.Contains("plant", rejected.Reason);
    }

    [Fact]
    public void A_plant_that_stops_gets_no_more_bid_requests()
    {
        var (shop, a, b) = ShopWithTwoPlants();
        Watch(b.Ref);
        Sys.Stop(b.Ref);
        ExpectTerminated(b.Ref);
        AwaitAssert(() =>
        {
            shop.Tell(new EstimateVm(SpecBuilder.MpiSolver()));
            var bid = a.ExpectMsg<RequestBid>(TimeSpan.FromSeconds(1));
            a.Reply(new Bid(bid.RequestId, Offer("a", 3)));
            var estimate = ExpectMsg<EstimateResult>();
            Assert.Equal(["a"], estimate.Bids.Select(x => x.Plant));
            Assert.Empty(estimate.Declines);
        }, TimeSpan.FromSeconds(5));
    }

    [Fact]
    public void A_late_duplicate_from_another_plant_is_destroyed_and_the_first_vm_stays()
    {
        var (shop, a, b) = ShopWithTwoPlants();
        var spec = SpecBuilder.MpiSolver();
        shop.Tell(new CreateVm("dup", spec));
        a.ExpectMsg<RequestBid>();
        a.Reply(new Bid("dup", Offer("a", 1)));
        b.ExpectMsg<RequestBid>();
        b.Reply(new Decline("dup", new DeclineSummary("b", "busy")));
        var award = a.ExpectMsg<Award>();
        a.Reply(new AwardAccepted("dup", "a"));
        shop.Tell(new VmReady("dup", Built(award.VmId, "a", spec), PlantReport("a")), a.Ref);
        ExpectMsg<VmCreated>();

        shop.Tell(new VmReady("dup", Built(award.VmId, "b", spec), PlantReport("b")), b.Ref);
        Assert.Equal(award.VmId, b.ExpectMsg<DestroyVm>().VmId);
        shop.Tell(new VmDestroyed(award.VmId, "b"), b.Ref);

        shop.Tell(new ShowVm(award.VmId));
        var vm = ExpectMsg<VmInfo>();
        Assert.Equal(("a", VmState.Running), (vm.Plant, vm.State));
    }

    [Fact]
    public void A_request_that_arrives_before_any_plant_is_held_until_one_registers()
    {
        var shop = Sys.ActorOf(ShopActor.Props(Settings with { PlantWait = TimeSpan.FromSeconds(10) }));
        var a = CreateTestProbe("plant-a");
        shop.Tell(new CreateVm("early", SpecBuilder.MpiSolver()));
        a.ExpectNoMsg(TimeSpan.FromMilliseconds(300));

        shop.Tell(new RegisterPlant("a", a.Ref));
        Assert.Equal("early", a.ExpectMsg<RequestBid>().RequestId);
        a.Reply(new Bid("early", Offer("a", 10)));
        Assert.Equal("early", a.ExpectMsg<Award>().RequestId);
    }

    [Fact]
    public void With_no_plant_registered_within_the_plant_wait_the_request_fails_with_that_reason()
    {
        var shop = Sys.ActorOf(ShopActor.Props(Settings with { PlantWait = TimeSpan.FromMilliseconds(500) }));
        shop.Tell(new CreateVm("lonely", SpecBuilder.MpiSolver()));
        var failed = ExpectMsg<CreateVmFailed>(TimeSpan.FromSeconds(5));
        Assert.Equal("no plants are registered with the shop", failed.Reason);
    }

    [Fact]
    public void After_a_start_auctions_wait_for_the_discovery_window_before_asking_the_first_plant_alone()
    {
        var shop = Sys.ActorOf(ShopActor.Props(Settings with { PlantDiscovery = TimeSpan.FromSeconds(1) }));
        var (a, b) = (CreateTestProbe("plant-a"), CreateTestProbe("plant-b"));
        shop.Tell(new RegisterPlant("a", a.Ref));
        shop.Tell(new CreateVm("first", SpecBuilder.MpiSolver()));
        a.ExpectNoMsg(TimeSpan.FromMilliseconds(300));
        shop.Tell(new RegisterPlant("b", b.Ref));

        // Both plants are asked once the window closes, not just the one that registered first.
        Assert.Equal("first", a.ExpectMsg<RequestBid>(TimeSpan.FromSeconds(3)).RequestId);
        Assert.Equal("first", b.ExpectMsg<RequestBid>(TimeSpan.FromSeconds(3)).RequestId);
    }
}
