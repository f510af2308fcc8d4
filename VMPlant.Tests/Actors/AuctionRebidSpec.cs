using Akka.Actor;
using Akka.TestKit.Xunit2;
using VMPlant.Actors.Domain;
using VMPlant.Actors.Shop;
using VMPlant.Messages;
using VMPlant.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace VMPlant.Tests.Actors;

/// <summary>An accepted request is not failed by a race: when every bidder refuses the award, the auction bids again.</summary>
public sealed class AuctionRebidSpec(ITestOutputHelper output) : TestKit(TestConfig.ActorSpec(), output: output)
{
    private static readonly ShopSettings Settings = TestShopSettings.Fast with { BidTimeout = TimeSpan.FromSeconds(5) };

    private static BidSummary Offer(string plant) => new(plant, 100, $"img-{plant}", 1, 2, new Resources(4, 4096, 50));

    [Fact]
    public void When_every_bidder_refuses_the_auction_bids_again_after_a_back_off_and_awards()
    {
        var a = CreateTestProbe("plant-a");
        var b = CreateTestProbe("plant-b");
        var shop = CreateTestProbe("shop");
        var request = new AuctionRequest("r1", "vm-1", SpecBuilder.MpiSolver(), EstimateOnly: false, shop.Ref);
        var auction = shop.ChildActorOf(AuctionActor.Props(request, new Dictionary<string, IActorRef> { ["a"] = a.Ref, ["b"] = b.Ref }, Settings));

        foreach (var (probe, plant) in new[] { (a, "a"), (b, "b") })
        {
            probe.ExpectMsg<RequestBid>();
            auction.Tell(new Bid("r1", Offer(plant)));
        }
        foreach (var (probe, plant) in new[] { (a, "a"), (b, "b") })
        {
            probe.ExpectMsg<Award>();
            auction.Tell(new AwardRefused("r1", plant, "capacity taken meanwhile"));
        }
        // No failure: a second round of bids, and this time the award is taken.
        a.ExpectMsg<RequestBid>(TimeSpan.FromSeconds(5));
        b.ExpectMsg<RequestBid>();
        auction.Tell(new Bid("r1", Offer("a")));
        auction.Tell(new Decline("r1", new DeclineSummary("b", "not enough memory: needs 512 MiB, 0 MiB free")));
        a.ExpectMsg<Award>();
        Watch(auction);
        auction.Tell(new AwardAccepted("r1", "a"));
        ExpectTerminated(auction);
    }

    [Fact]
    public void Rounds_back_off_and_fail_only_when_no_plant_bids_naming_what_was_short_where()
    {
        var retry = new AwardRetry(3, TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(1));
        Assert.Equal((TimeSpan.FromMilliseconds(500), (string?)null), retry.AfterRound(1, bids: 2, []));
        Assert.Equal(TimeSpan.FromSeconds(1), retry.AfterRound(2, bids: 1, []).Rebid);
        Assert.StartsWith("every plant that bid refused the award, 3 rounds in a row", retry.AfterRound(3, bids: 1, []).Failure);
        var declines = new[] { new DeclineSummary("a", "not enough memory: needs 4096 MiB, 512 MiB free"), new DeclineSummary("b", "no bid within 2s") };
        Assert.Equal("no plant can host this VM: a: not enough memory: needs 4096 MiB, 512 MiB free; b: no bid within 2s",
            retry.AfterRound(1, bids: 0, declines).Failure);
    }
}
