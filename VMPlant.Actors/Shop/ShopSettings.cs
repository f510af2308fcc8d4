namespace VMPlant.Actors.Shop;

/// <param name="JournalPluginId">Akka persistence plugin for the shop's journal; empty = the default journal.</param>
/// <param name="PlantDiscovery">After the shop has recovered (first start or failover), how long auctions are held for plants to
/// register, unless every plant holding the shop's VMs or awards has registered sooner: bids are not asked of half the
/// grid, and unfinished requests resume (asking each plant again for what it was awarded) only then.</param>
/// <param name="PlantWait">How long a request is held while no plant at all is registered before it fails for that reason.</param>
public sealed record ShopSettings(
    TimeSpan BidTimeout,
    TimeSpan AwardTimeout,
    TimeSpan StatusTimeout,
    TimeSpan PlantDiscovery,
    TimeSpan PlantWait,
    int SnapshotEvery,
    string JournalPluginId = "",
    string SnapshotPluginId = "")
{
    public const string PersistenceId = "shop";

    /// <summary>The bounds every received request is held to (<c>vmplant.limits</c>), whichever client sent it.</summary>
    public VMPlant.Messages.Specs.InputLimits Limits { get; init; } = VMPlant.Messages.Specs.InputLimits.Default;

    /// <summary>How long finished requests, their ids and destroyed VMs are kept (<c>vmplant.shop.retention</c>).</summary>
    public Domain.ShopRetention Retention { get; init; } = Domain.ShopRetention.Default;
}
