namespace VMPlant.Actors.Shop;

/// <param name="JournalPluginId">Akka persistence plugin for the shop's journal; empty = the default journal.</param>
/// <param name="ResumeDelay">After a restart, how long to let plants re-register before resuming unfinished requests.</param>
public sealed record ShopSettings(
    TimeSpan BidTimeout,
    TimeSpan AwardTimeout,
    TimeSpan StatusTimeout,
    TimeSpan ResumeDelay,
    int SnapshotEvery,
    string JournalPluginId = "",
    string SnapshotPluginId = "")
{
    public const string PersistenceId = "shop";
}
