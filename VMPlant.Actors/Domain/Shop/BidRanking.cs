using VMPlant.Messages;

namespace VMPlant.Actors.Domain;

/// <summary>The shop's preference order: cheapest to finish, then most free memory, then most free vCPUs, then plant name.</summary>
public static class BidRanking
{
    public static IReadOnlyList<BidSummary> Rank(IEnumerable<BidSummary> bids) =>
        bids.OrderBy(b => b.Cost)
            .ThenByDescending(b => b.Free.MemoryMiB)
            .ThenByDescending(b => b.Free.Vcpus)
            .ThenBy(b => b.Plant, StringComparer.Ordinal)
            .ToList();
}
