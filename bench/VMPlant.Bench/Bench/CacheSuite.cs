using VMPlant.Bench.Workloads;

namespace VMPlant.Bench;

/// <summary>
/// Cache benefit and placement quality: the workload replayed by <see cref="CacheSimulator"/> under each reuse
/// and placement rule (same requests, same plants, same cache policy), reported as ratios to "no cache".
/// </summary>
public static class CacheSuite
{
    public static readonly int[] SweepSizes = [1, 2, 4, 8, 16, 32, 64, 128, 256];

    public static CacheReport Run(PreparedWorkload workload, BenchProgress progress)
    {
        var defaults = SimulationOptions.Default();
        var runs = new (string Name, SimulationOptions Options)[]
        {
            ("no cache", SimulationOptions.Default(ReuseRule.NoCache)),
            ("whole image only (Nova rule)", SimulationOptions.Default(ReuseRule.WholeImage)),
            ("exact prefix only (Docker rule)", SimulationOptions.Default(ReuseRule.ExactPrefix)),
            ("VMPlant: partial graph + auction", defaults),
            ("VMPlant match, random placement", SimulationOptions.Default(ReuseRule.PartialGraph, PlacementRule.Random)),
            ("VMPlant match, least-loaded placement", SimulationOptions.Default(ReuseRule.PartialGraph, PlacementRule.LeastLoaded)),
            ("VMPlant without core images", defaults with { Cache = defaults.Cache with { PublishCore = false } }),
        };
        var results = new List<(string Name, SimulationResult Result)>();
        foreach (var (name, options) in runs)
        {
            progress.Tick("cache", name);
            results.Add((name, CacheSimulator.Run(workload, options)));
        }
        var noCache = results[0].Result.PerformedWork;
        var rows = results.Select(r => Row(r.Name, r.Result, noCache)).ToList();
        progress.Step("cache", $"{rows.Count} rules replayed: VMPlant performs {Ratio(rows.First(IsVmPlant).VsNoCache)} less work than no cache");

        var sweep = new List<CacheSweepPoint>();
        foreach (var size in SweepSizes)
        {
            progress.Tick("cache", $"cache size sweep: {size} images per plant");
            double Saving(ReuseRule rule) => noCache / CacheSimulator.Run(workload, SimulationOptions.Default(rule, maxImages: size)).PerformedWork;
            sweep.Add(new CacheSweepPoint(size, Saving(ReuseRule.PartialGraph), Saving(ReuseRule.ExactPrefix), Saving(ReuseRule.WholeImage)));
        }
        progress.Step("cache", $"cache size sweep done ({SweepSizes[0]}…{SweepSizes[^1]} images per plant)");
        return new CacheReport(defaults.Plants.Length, defaults.Cache.MaxImages, rows, sweep,
            "Simulated with the real ConfigDag, ImageIndex, ImageCache (publish always, GDSF eviction), CostModel (clone 5 s, " +
            "load weight 30 s), HostCapacity and BidRanking; only the reuse and placement rules change. Work = seconds of " +
            "action cost performed. VMPlant rows also publish each build's core, as plants do (cache.publish-core = on); " +
            "the row without core images turns that off.");
    }

    /// <summary>The headline row: what plants do (partial-graph match, auction, core images).</summary>
    public static bool IsVmPlant(CacheRow row) => row is { Reuse: nameof(ReuseRule.PartialGraph), Placement: nameof(PlacementRule.Auction), CoreImages: true };

    private static CacheRow Row(string name, SimulationResult r, double noCache) => new(
        name, r.Reuse.ToString(), r.Placement.ToString(), r.CoreImages, r.Served, r.Rejected,
        r.PerformedWork / 3600, r.RequestedWork / 3600, r.SavedFraction,
        r.PerformedWork <= 0 ? double.PositiveInfinity : noCache / r.PerformedWork,
        r.FullHits, r.PartialHits, r.Misses, r.Published, r.Evicted);

    public static string Ratio(double value) => double.IsFinite(value) ? $"{value:0.00}×" : "∞";
}
