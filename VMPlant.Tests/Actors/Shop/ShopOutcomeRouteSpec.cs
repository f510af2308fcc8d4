using System.Collections.Immutable;
using Akka.Actor;
using Akka.TestKit.Xunit2;
using VMPlant.Actors.Shop;
using VMPlant.Messages;
using VMPlant.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace VMPlant.Tests.Actors.Shop;

/// <summary>A build's outcome takes the award's route (plant → shop), so it can never overtake the award it follows.</summary>
public sealed class ShopOutcomeRouteSpec(ITestOutputHelper output) : TestKit(TestConfig.ActorSpec(), output: output)
{
    [Fact]
    public void The_plant_answers_the_award_and_reports_its_vm_to_the_shop_which_journals_the_award_first()
    {
        var shop = Sys.ActorOf(ShopActor.Props(TestShopSettings.Fast));
        var plant = CreateTestProbe("plant-a");
        shop.Tell(new RegisterPlant("a", plant.Ref));
        var spec = SpecBuilder.MpiSolver();
        shop.Tell(new CreateVm("r1", spec));

        plant.ExpectMsg<RequestBid>();
        plant.Reply(new Bid("r1", new BidSummary("a", 10, "base", 0, 3, new Resources(4, 4096, 50))));
        var award = plant.ExpectMsg<Award>();
        // The award comes from the shop (the auction sends it on the shop's behalf): answer and outcome go back there.
        Assert.Equal(shop, plant.LastSender);

        // The outcome right behind the acceptance, on the same route: no outcome is held waiting for its award.
        plant.Reply(new AwardAccepted("r1", "a"));
        plant.Reply(new VmReady("r1",
            new VmInfo(award.VmId, spec.Name, "a", VmState.Running, spec.Resources, "base", ImmutableArray<PerformedAction>.Empty, DateTimeOffset.UtcNow),
            new CreateReport("a", "base", [], [], 10, 1, [], [])));

        var created = ExpectMsg<VmCreated>();
        Assert.Equal(["a"], created.Report.Bids.Select(b => b.Plant)); // the award, with its bids, was journaled before the outcome
        Assert.Equal(award.VmId, created.Vm.VmId);
    }
}
