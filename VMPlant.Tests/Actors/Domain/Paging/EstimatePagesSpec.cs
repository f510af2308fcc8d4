using System.Collections.Immutable;
using VMPlant.Actors.Domain;
using VMPlant.Messages;
using Xunit;

namespace VMPlant.Tests.Actors.Domain.Paging;

/// <summary>An estimate with many plants, page by page: bids in the shop's order, then declines by plant; bytes bounded.</summary>
public sealed class EstimatePagesSpec
{
    private const long Budget = 16_000;

    private static readonly VmSpec Spec = new("n", new Resources(1, 64, 1), []);

    private static BidSummary Bid(int n, double cost, ImmutableArray<ActionCostSource>? costs = null) =>
        new($"plant-{n:D4}", cost, $"img-{n}", 1, 2, new Resources(4, 1024 * (n % 3), 50), costs);

    private static EstimateResult ManyPlants(int bids, int declines) => new(
        [.. Enumerable.Range(0, bids).Select(n => Bid(n, n % 10))],
        [.. Enumerable.Range(bids, declines).Reverse().Select(n => new DeclineSummary($"plant-{n:D4}", "not enough free memory"))]);

    [Fact]
    public async Task Bids_come_cheapest_first_then_declines_by_plant_each_once()
    {
        var all = ManyPlants(400, 120);
        var node = new PureNode(Budget) { Auction = all };

        var estimate = Assert.IsType<EstimateResult>(await PageFetcher.AllAsync(new EstimateVm(Spec) { Limit = 37 }, node.Ask));

        Assert.Equal(BidRanking.Rank(all.Bids).Select(b => b.Plant), estimate.Bids.Select(b => b.Plant));
        Assert.Equal(all.Declines.Select(d => d.Plant).Order(StringComparer.Ordinal), estimate.Declines.Select(d => d.Plant));
        Assert.True(node.Asked.Count >= 520 / 37, $"{node.Asked.Count} pages");
        Assert.All(node.PageBytes, bytes => Assert.InRange(bytes, 1, Budget));
    }

    [Fact]
    public async Task Pages_are_bounded_in_bytes_and_a_bid_bigger_than_a_page_goes_without_its_cost_breakdown()
    {
        var breakdown = Enumerable.Range(0, 2_000).Select(i => new ActionCostSource($"action-{i}".PadRight(100, 'x'), 10, null, "declared", 0)).ToImmutableArray();
        var all = new EstimateResult([Bid(1, 5, breakdown), .. Enumerable.Range(2, 300).Select(n => Bid(n, 7, breakdown[..3]))], []);
        var node = new PureNode(Budget) { Auction = all };

        var estimate = Assert.IsType<EstimateResult>(await PageFetcher.AllAsync(new EstimateVm(Spec), node.Ask));

        Assert.Equal(301, estimate.Bids.Length);
        Assert.Null(estimate.Bids[0].Costs);
        Assert.All(estimate.Bids.Skip(1), b => Assert.Equal(3, b.Costs!.Value.Length));
        Assert.All(node.PageBytes, bytes => Assert.InRange(bytes, 1, Budget));
    }

    [Fact]
    public async Task A_new_auction_per_page_never_lists_a_plant_twice()
    {
        var node = new PureNode(Budget) { Auction = ManyPlants(100, 0) };
        // Between pages, every plant's bid gets cheaper: plants already listed move ahead of the cursor, others behind it.
        node.AfterEachPage = () => node.Auction = new EstimateResult([.. node.Auction.Bids.Select(b => b with { Cost = b.Cost - 0.5 })], []);

        var estimate = Assert.IsType<EstimateResult>(await PageFetcher.AllAsync(new EstimateVm(Spec) { Limit = 10 }, node.Ask));

        var plants = estimate.Bids.Select(b => b.Plant).ToList();
        Assert.Equal(plants.Count, plants.Distinct().Count());
    }

    [Fact]
    public async Task A_cursor_of_another_listing_is_refused()
    {
        var node = new PureNode(Budget) { Auction = ManyPlants(5, 0) };
        var answer = await node.Ask(new EstimateVm(Spec) { After = "vms.WyIxIiwiMiJd" });
        Assert.Contains("is not a cursor of `vmplant estimate`", Assert.IsType<RequestRejected>(answer).Reason);
    }
}
