using Akka.Actor;
using Akka.TestKit.Xunit2;
using VMPlant.Actors.Domain;
using VMPlant.Actors.Shop;
using VMPlant.Messages;
using VMPlant.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace VMPlant.Tests.Actors.Shop;

/// <summary>An auction started while its request is still being journaled: bids early, awards only once journaled.</summary>
public sealed class AuctionActorSpec(ITestOutputHelper output) : TestKit(TestConfig.ActorSpec(), output: output)
{
    // Generous timeouts where a spec does not wait for one: a slow test thread (a busy machine) cannot outrun them.
    private static readonly ShopSettings Patient = TestShopSettings.Fast with { BidTimeout = TimeSpan.FromSeconds(30), AwardTimeout = TimeSpan.FromSeconds(30) };

    private static readonly BidSummary Offer = new("a", 100, "img-a", 1, 2, new Resources(4, 4096, 50));

    private (IActorRef Auction, Akka.TestKit.TestProbe Plant, Akka.TestKit.TestProbe Shop) Start(bool journaled, ShopSettings? settings = null)
    {
        var plant = CreateTestProbe("plant-a");
        var shop = CreateTestProbe("shop");
        var request = new AuctionRequest("r1", "vm-1", SpecBuilder.MpiSolver(), EstimateOnly: false, shop.Ref, journaled);
        var auction = shop.ChildActorOf(AuctionActor.Props(request, new Dictionary<string, IActorRef> { ["a"] = plant.Ref }, settings ?? Patient));
        return (auction, plant, shop);
    }

    [Fact]
    public void An_auction_of_an_unjournaled_request_collects_bids_but_awards_only_once_journaled()
    {
        var (auction, plant, shop) = Start(journaled: false);

        plant.ExpectMsg<RequestBid>();
        plant.Reply(new Bid("r1", Offer));
        plant.ExpectNoMsg(TimeSpan.FromMilliseconds(300));

        auction.Tell(RequestJournaled.Instance);
        var award = plant.ExpectMsg<Award>();
        Assert.Equal(("r1", "vm-1"), (award.RequestId, award.VmId));
        plant.Reply(new AwardAccepted("r1", "a"));
        Assert.Equal("a", shop.ExpectMsg<AwardOffer>().Plant);
    }

    [Fact]
    public void Being_told_the_request_is_journaled_before_the_bids_arrive_awards_at_once()
    {
        var (auction, plant, _) = Start(journaled: false);

        plant.ExpectMsg<RequestBid>();
        auction.Tell(RequestJournaled.Instance);
        plant.Reply(new Bid("r1", Offer));

        plant.ExpectMsg<Award>();
    }

    [Fact]
    public void A_request_never_journaled_gets_no_award()
    {
        // This one waits for the award timeout (0.6 s) to end the auction.
        var (auction, plant, shop) = Start(journaled: false, TestShopSettings.Fast with { BidTimeout = TimeSpan.FromSeconds(30) });
        Watch(auction);

        plant.ExpectMsg<RequestBid>();
        plant.Reply(new Bid("r1", Offer));

        ExpectTerminated(auction, TimeSpan.FromSeconds(30));
        plant.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
        shop.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
    }
}
