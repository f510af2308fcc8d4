namespace VMPlant.Actors.Domain.Paging;

/// <summary>How many items a page may hold: the request's limit, capped; the byte bound may make a page smaller still.</summary>
public static class PageLimits
{
    public const int DefaultItems = 1000;
    public const int MaxItems = 10_000;

    /// <summary>What is wrong with a requested limit, or null.</summary>
    public static string? Problem(int? limit) => limit is < 1 ? $"--limit must be at least 1, got {limit}" : null;

    public static int Items(int? limit) => Math.Min(limit ?? DefaultItems, MaxItems);
}
