using Akka.Actor;
using Akka.TestKit;
using VMPlant.Messages;

namespace VMPlant.Tests.Support;

/// <summary>A test probe playing the one plant "a": bids, accepts the award and reports the VM built, as a real plant would.</summary>
public static class ProbePlant
{
    /// <summary>Creates the VM named by <paramref name="spec"/> through <paramref name="shop"/>; returns the shop's answer to the kit's test actor.</summary>
    public static VmCreated Create(TestKitBase kit, IActorRef shop, TestProbe plant, string requestId, VmSpec spec)
    {
        shop.Tell(new CreateVm(requestId, spec), kit.TestActor);
        var bid = plant.ExpectMsg<RequestBid>();
        plant.Reply(new Bid(bid.RequestId, new BidSummary("a", 1, "base", 0, 3, new Resources(8, 8192, 80))));
        var award = plant.ExpectMsg<Award>();
        plant.Reply(new AwardAccepted(award.RequestId, "a"));
        var vm = new VmInfo(award.VmId, spec.Name, "a", VmState.Running, spec.Resources, "base", [], DateTimeOffset.UtcNow);
        shop.Tell(new VmReady(award.RequestId, vm, new CreateReport("a", "base", [], [], 1, 1, [], [])), plant.Ref);
        return kit.ExpectMsg<VmCreated>();
    }
}
