namespace VMPlant.Actors.Shop;

/// <param name="JournalPluginId">Akka persistence plugin for the shop's journal; empty = the default journal.</param>
/// <param name="ResumeDelay">After a restart, how long to let plants re-register before resuming unfinished requests.</param>
/// <param name="PlantDiscovery">After the shop starts (first start or failover), how long auctions are held for plants to
/// register, unless every plant holding the shop's VMs has registered sooner: bids are not asked of half the grid.</param>
/// <param name="PlantWait">How long a request is held while no plant at all is registered before it fails for that reason.</param>
public sealed record ShopSettings(
    TimeSpan BidTimeout,
    TimeSpan AwardTimeout,
    TimeSpan StatusTimeout,
    TimeSpan ResumeDelay,
    TimeSpan PlantDiscovery,
    TimeSpan PlantWait,
    int SnapshotEvery,
    string JournalPluginId = "",
    string SnapshotPluginId = "")
{
    public const string PersistenceId = "shop";
}
