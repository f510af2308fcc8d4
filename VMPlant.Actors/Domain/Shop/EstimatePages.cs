using System.Collections.Immutable;
using System.Globalization;
using VMPlant.Actors.Domain.Paging;
using VMPlant.Messages;

namespace VMPlant.Actors.Domain;

/// <summary>
/// Pages of an estimate: the bids in the shop's preference order (<see cref="BidRanking"/>), then the declines by plant.
/// Every page is a fresh auction; the cursor holds the last entry's ranking key, so a page starts after it even if
/// other plants' bids have changed.
/// </summary>
public static class EstimatePages
{
    private const string Listing = "estimate";
    private const string BidEntry = "bid";
    private const string DeclineEntry = "decline";

    /// <summary>What is wrong with the paging of <paramref name="query"/>, or null (checked before any auction runs).</summary>
    public static string? Problem(EstimateVm query) =>
        PageLimits.Problem(query.Limit) ?? (query.After is { } after && Position.Of(after) is null ? PageCursor.Problem(after, "`vmplant estimate`") : null);

    /// <summary>The page of <paramref name="all"/> (a whole auction's answer) that <paramref name="query"/> asks for; call <see cref="Problem"/> first.</summary>
    public static EstimateResult Page(EstimateResult all, EstimateVm query, long maxBytes)
    {
        var entries = BidRanking.Rank(all.Bids).Select(b => new Entry(b, null))
            .Concat(all.Declines.OrderBy(d => d.Plant, StringComparer.Ordinal).Select(d => new Entry(null, d)));
        if (query.After is { } after && Position.Of(after) is { } position) entries = entries.Where(e => position.IsBefore(e));
        return Pager.Take(
            entries, PageLimits.Items(query.Limit), maxBytes,
            (page, more) => new EstimateResult([.. page.Where(e => e.Bid is not null).Select(e => e.Bid!)], [.. page.Where(e => e.Decline is not null).Select(e => e.Decline!)])
            {
                Next = more ? Position.Cursor(page[^1]) : null,
            },
            // A bid bigger than a page (its per-action cost breakdown on a spec of hundreds of long ids) goes without the breakdown.
            (entry, _) => entry.Bid is { } bid ? entry with { Bid = bid with { Costs = null } } : entry);
    }

    /// <summary>A bid or a decline (exactly one is set); serialized as that one when measured.</summary>
    private sealed record Entry(BidSummary? Bid, DeclineSummary? Decline);

    /// <summary>Where the last page ended: after a bid (its ranking key) or after a decline (its plant).</summary>
    private sealed record Position(bool InBids, double Cost, long Memory, int Vcpus, string Plant)
    {
        public static string Cursor(Entry last) => last.Bid is { } bid
            ? PageCursor.Encode(Listing, BidEntry, bid.Cost.ToString("R", CultureInfo.InvariantCulture),
                bid.Free.MemoryMiB.ToString(CultureInfo.InvariantCulture), bid.Free.Vcpus.ToString(CultureInfo.InvariantCulture), bid.Plant)
            : PageCursor.Encode(Listing, DeclineEntry, "", "", "", last.Decline!.Plant);

        public static Position? Of(string cursor) => PageCursor.Decode(cursor, Listing, 5) switch
        {
            [BidEntry, var cost, var memory, var vcpus, var plant]
                when double.TryParse(cost, CultureInfo.InvariantCulture, out var c) && long.TryParse(memory, CultureInfo.InvariantCulture, out var m)
                     && int.TryParse(vcpus, CultureInfo.InvariantCulture, out var v) => new Position(true, c, m, v, plant),
            [DeclineEntry, _, _, _, var plant] => new Position(false, 0, 0, 0, plant),
            _ => null,
        };

        /// <summary>Whether <paramref name="entry"/> comes after this position in the estimate's order.</summary>
        public bool IsBefore(Entry entry)
        {
            if (entry.Bid is not { } bid) return InBids || string.CompareOrdinal(entry.Decline!.Plant, Plant) > 0;
            if (!InBids) return false;
            var order = bid.Cost.CompareTo(Cost);
            if (order == 0) order = -bid.Free.MemoryMiB.CompareTo(Memory);
            if (order == 0) order = -bid.Free.Vcpus.CompareTo(Vcpus);
            if (order == 0) order = string.CompareOrdinal(bid.Plant, Plant);
            return order > 0;
        }
    }
}
