namespace VMPlant.Actors.Shop;

/// <param name="ResumeDelay">After a restart, how long to let plants re-register before resuming unfinished requests.</param>
public sealed record ShopSettings(
    TimeSpan BidTimeout,
    TimeSpan AwardTimeout,
    TimeSpan StatusTimeout,
    TimeSpan ResumeDelay,
    int SnapshotEvery)
{
    public const string PersistenceId = "shop";
}
