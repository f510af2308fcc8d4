using VMPlant.Actors.Domain;
using VMPlant.Actors.Shop;

namespace VMPlant.Tests.Support;

/// <summary>Shop settings for actor specs against probe plants: short timeouts, no discovery window (probes register at once).</summary>
public static class TestShopSettings
{
    public static readonly ShopSettings Fast = new(
        BidTimeout: TimeSpan.FromMilliseconds(600),
        AwardTimeout: TimeSpan.FromMilliseconds(600),
        StatusTimeout: TimeSpan.FromMilliseconds(600),
        PlantDiscovery: TimeSpan.Zero,
        PlantWait: TimeSpan.FromSeconds(1),
        SnapshotEvery: 1000);
}
