using System.Collections.Immutable;
using VMPlant.Actors.Domain;
using VMPlant.Messages;
using VMPlant.Tests.Support;
using Xunit;

namespace VMPlant.Tests.Actors.Domain.Shop;

/// <summary>The shop's request bookkeeping without an actor: one outcome per request id, awards, outcomes, duplicates.</summary>
public sealed class ShopLedgerSpec
{
    private static readonly DateTimeOffset Now = DateTimeOffset.Parse("2026-12-01T10:00:00Z");
    private static readonly ImmutableArray<BidSummary> Bids = [new("a", 10, "base", 0, 3, new Resources(4, 4096, 50))];

    /// <summary>Journals everything decided so far (as the shop's group commit does once the write succeeds).</summary>
    private static ShopLedger<string> Journal(ShopDecision<string> decision) =>
        decision.Event is { } e ? decision.Ledger.Journal(e) : decision.Ledger;

    private static ShopLedger<string> Accepted(string requestId = "r1")
    {
        var created = ShopLedger<string>.Empty.Create(new CreateVm(requestId, SpecBuilder.MpiSolver()), "client-1", Now);
        return Journal(created);
    }

    private static VmReady Ready(string requestId, string plant, string vmId = "vm") =>
        new(requestId, new VmInfo(vmId, "mpi-solver", plant, VmState.Running, SpecBuilder.Small, "base", [], Now),
            new CreateReport(plant, "base", [], [], 10, 1, [], []));

    [Fact]
    public void A_new_request_is_accepted_with_a_vm_id_derived_from_its_id_and_auctioned()
    {
        var decision = ShopLedger<string>.Empty.Create(new CreateVm("r1", SpecBuilder.MpiSolver()), "client-1", Now);

        var accepted = Assert.IsType<RequestAccepted>(decision.Event);
        Assert.Equal(ShopLedger<string>.VmIdFor("r1", "mpi-solver"), accepted.VmId);
        Assert.StartsWith("mpi-solver-", accepted.VmId);
        Assert.NotEqual(ShopLedger<string>.VmIdFor("r2", "mpi-solver"), accepted.VmId);
        Assert.Equal(AuctionStep.Start, decision.Auction);
        Assert.Equal(["client-1"], decision.Ledger.Waiting["r1"]);
    }

    [Fact]
    public void The_same_request_id_joins_the_one_request_and_gets_its_outcome_once_known()
    {
        var ledger = Accepted();
        var again = ledger.Create(new CreateVm("r1", SpecBuilder.MpiSolver()), "client-2", Now);
        Assert.Null(again.Event);
        Assert.False(again.Repeat);
        Assert.Equal(["client-1", "client-2"], again.Ledger.Waiting["r1"]);

        var failed = again.Ledger.AuctionFailed("r1", "no plant can host this VM", [], []);
        var (answered, waiting) = Journal(failed).TakeWaiting("r1");
        Assert.Equal(["client-1", "client-2"], waiting);
        Assert.IsType<CreateVmFailed>(answered.JournaledOutcome("r1"));

        var late = answered.Create(new CreateVm("r1", SpecBuilder.MpiSolver()), "client-3", Now);
        Assert.True(late.Repeat);
        Assert.Null(late.Event);
    }

    [Fact]
    public void An_invalid_spec_is_rejected_and_nothing_is_journaled()
    {
        var bad = SpecBuilder.Spec("bad", SpecBuilder.Small, SpecBuilder.Action("a", "install-package", 1, ["missing"], ("package", "x")));
        var decision = ShopLedger<string>.Empty.Create(new CreateVm("r1", bad), "client-1", Now);
        Assert.Null(decision.Event);
        Assert.IsType<RequestRejected>(decision.Reply);
        Assert.Empty(decision.Ledger.Decided.Requests);
    }

    [Fact]
    public void Only_the_award_on_offer_is_journaled_with_the_bids_that_led_to_it()
    {
        var ledger = Accepted().Offered(new AwardOffer("r1", "a", Bids, []));

        var stranger = ledger.Accepted(new AwardAccepted("r1", "b"));
        Assert.Null(stranger.Event);
        Assert.Equal(AuctionStep.None, stranger.Auction);

        var accepted = ledger.Accepted(new AwardAccepted("r1", "a"));
        var awarded = Assert.IsType<RequestAwarded>(accepted.Event);
        Assert.Equal(("a", Bids), (awarded.Plant, awarded.Bids));
        Assert.Equal(AuctionStep.Stop, accepted.Auction);
        Assert.Empty(accepted.Ledger.Offers);
    }

    [Fact]
    public void The_vm_after_its_award_completes_the_request_with_the_bids_and_a_second_vm_is_a_duplicate()
    {
        var ledger = Journal(Accepted().Offered(new AwardOffer("r1", "a", Bids, [])).Accepted(new AwardAccepted("r1", "a")));

        var completed = ledger.Ready(Ready("r1", "a"));
        var done = Assert.IsType<RequestCompleted>(completed.Event);
        Assert.Empty(done.Report.Bids); // journaled once, with the award
        Assert.True(completed.AnswerWhenJournaled);

        ledger = Journal(completed);
        Assert.Equal(Bids, Assert.IsType<VmCreated>(ledger.JournaledOutcome("r1")).Report.Bids);
        Assert.True(ledger.Ready(Ready("r1", "a")).Repeat);
        var duplicate = ledger.Ready(Ready("r1", "b", "vm-b"));
        Assert.Equal("vm-b", Assert.IsType<DestroyVm>(duplicate.ReplyAfterJournal).VmId);
        Assert.Null(duplicate.Event);
    }

    [Fact]
    public void A_completion_journaled_before_bids_were_left_to_the_award_keeps_the_copy_it_carries()
    {
        var awarded = Journal(Accepted().Offered(new AwardOffer("r1", "a", Bids, [])).Accepted(new AwardAccepted("r1", "a")));
        var copy = ImmutableArray.Create(new BidSummary("a", 7, "img", 1, 2, new Resources(4, 4096, 50)));
        var ready = Ready("r1", "a");
        var legacy = new RequestCompleted("r1", ready.Vm, ready.Report with { Bids = copy, Declines = [new DeclineSummary("b", "full")] }) { At = Now };

        var outcome = Assert.IsType<VmCreated>(awarded.Journal(legacy).JournaledOutcome("r1"));

        Assert.Equal(copy, outcome.Report.Bids);
        Assert.Equal("b", Assert.Single(outcome.Report.Declines).Plant);
    }

    [Fact]
    public void A_refusal_goes_to_the_auction_and_a_refused_resumed_award_is_bid_again()
    {
        var offered = Accepted().Offered(new AwardOffer("r1", "a", Bids, []));
        Assert.Equal(AuctionStep.Forward, offered.Refused(new AwardRefused("r1", "a", "full")).Auction);

        // After a failover the shop resends the journaled award itself: no auction, no offer.
        var awarded = Journal(offered.Accepted(new AwardAccepted("r1", "a")));
        var resumed = awarded.Refused(new AwardRefused("r1", "a", "the reservation was lost"));
        Assert.Equal(AuctionStep.Start, resumed.Auction);
        Assert.Equal(AuctionStep.None, awarded.Refused(new AwardRefused("r1", "b", "not mine")).Auction);
    }

    [Fact]
    public void A_failed_build_fails_the_request_once_and_a_failed_configure_tells_its_waiters()
    {
        var ledger = Accepted();
        var failed = ledger.Failed(new VmFailed("r1", "vm", "a", "disk full"));
        Assert.IsType<RequestFailed>(failed.Event);
        Assert.Null(Journal(failed).Failed(new VmFailed("r1", "vm", "a", "again")).Event);

        var configuring = ShopLedger<string>.Empty.Wait("c1", "client-9");
        var configureFailed = configuring.Failed(new VmFailed("c1", "vm", "a", "bad action"));
        Assert.Null(configureFailed.Event);
        Assert.Equal("bad action", Assert.IsType<CreateVmFailed>(configureFailed.TellWaiting).Reason);
    }

    [Fact]
    public void A_destroy_goes_to_the_vms_plant_once_and_everyone_waiting_hears_of_the_journaled_removal()
    {
        var ledger = Journal(Journal(Accepted().Offered(new AwardOffer("r1", "a", Bids, [])).Accepted(new AwardAccepted("r1", "a"))).Ready(Ready("r1", "a")));
        Func<string, bool> reachable = plant => plant == "a";

        var first = ledger.Destroy(new DestroyVm("vm"), "client-1", reachable);
        Assert.Equal("a", first.ToPlant!.Value.Plant);
        Assert.Equal(new DestroyVm("vm"), first.ToPlant.Value.Message);
        var second = first.Ledger.Destroy(new DestroyVm("vm"), "client-2", reachable);
        Assert.Null(second.ToPlant);

        var removed = second.Ledger.Removed(new VmDestroyed("vm", "a"), Now);
        Assert.IsType<VmDeleted>(removed.Event);
        Assert.Equal("vm", removed.TellDestroying!.Value.VmId);
        Assert.Equal(["client-1", "client-2"], removed.Ledger.TakeDestroying("vm").Requesters);

        Assert.IsType<RequestRejected>(ledger.Destroy(new DestroyVm("vm"), "client-3", _ => false).Reply);
        Assert.IsType<VmNotFound>(ledger.Destroy(new DestroyVm("other"), "client-3", reachable).ReplyAfterJournal);
    }
}
