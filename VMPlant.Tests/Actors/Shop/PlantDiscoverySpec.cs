using Akka.Actor;
using VMPlant.Actors.Domain;
using VMPlant.Actors.Shop;
using VMPlant.Messages;
using VMPlant.Tests.Support;
using Xunit;

namespace VMPlant.Tests.Actors.Shop;

/// <summary>When the shop may start an auction after it starts, and what it releases when.</summary>
public sealed class PlantDiscoverySpec
{
    private static readonly DateTime Start = new(2026, 11, 26, 8, 0, 0, DateTimeKind.Utc);

    private static Dictionary<string, IActorRef> Registered(params string[] plants) => plants.ToDictionary(p => p, _ => (IActorRef)ActorRefs.Nobody);

    private static AuctionRequest Request(string id) => new(id, "vm-" + id, SpecBuilder.MpiSolver(), EstimateOnly: false, ActorRefs.Nobody);

    [Fact]
    public void Nothing_is_ready_without_a_registered_plant_even_after_the_window()
    {
        var discovery = new PlantDiscovery(TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(30));
        discovery.Expect([], Start);
        Assert.False(discovery.Ready(Registered(), Start.AddMinutes(5)));
    }

    [Fact]
    public void The_window_closes_early_once_every_plant_holding_vms_has_registered()
    {
        var discovery = new PlantDiscovery(TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(30));
        discovery.Expect(["a", "b", "a"], Start);
        var soon = Start.AddMilliseconds(100);
        Assert.False(discovery.Ready(Registered("a"), soon));
        Assert.True(discovery.Ready(Registered("a", "b"), soon));
        Assert.True(discovery.Ready(Registered("a"), Start.AddSeconds(3)));
    }

    [Fact]
    public void A_fresh_shop_that_expects_no_plant_waits_for_the_whole_window()
    {
        var discovery = new PlantDiscovery(TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(30));
        discovery.Expect([], Start);
        Assert.False(discovery.Ready(Registered("a"), Start.AddSeconds(2.9)));
        Assert.True(discovery.Ready(Registered("a"), Start.AddSeconds(3)));
    }

    [Fact]
    public void The_window_opens_when_the_shop_has_recovered_however_long_that_took()
    {
        var discovery = new PlantDiscovery(TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(30));
        Assert.False(discovery.Ready(Registered("a"), Start.AddSeconds(10)));
        var recoveredAt = Start.AddSeconds(10);
        discovery.Expect(["a", "b"], recoveredAt);
        Assert.False(discovery.Ready(Registered("a"), recoveredAt.AddSeconds(2.9)));
        Assert.True(discovery.Ready(Registered("a"), recoveredAt.AddSeconds(3)));
    }

    [Fact]
    public void Release_gives_everything_back_in_arrival_order_when_ready_and_only_overdue_requests_otherwise()
    {
        var discovery = new PlantDiscovery(TimeSpan.Zero, TimeSpan.FromSeconds(30));
        discovery.Expect([], Start);
        discovery.Hold(Request("old"), Start);
        discovery.Hold(Request("new"), Start.AddSeconds(20));

        Assert.Equal(["old"], discovery.Release(ready: false, Start.AddSeconds(31)).Select(r => r.RequestId));
        Assert.Equal(1, discovery.Held);
        discovery.Hold(Request("newest"), Start.AddSeconds(32));
        Assert.Equal(["new", "newest"], discovery.Release(ready: true, Start.AddSeconds(32)).Select(r => r.RequestId));
        Assert.Equal(0, discovery.Held);
    }
}
