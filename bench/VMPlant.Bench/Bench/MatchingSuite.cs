using System.Diagnostics;
using VMPlant.Actors.Domain;
using VMPlant.Bench.Workloads;

namespace VMPlant.Bench;

/// <summary>
/// A quick Stopwatch measurement of matching per bid: <see cref="ImageIndex.FindBest"/> alone, and a whole bid's
/// CPU work when the spec arrives from another process (validating it and building its DAG, then matching). bench/VMPlant.Benchmarks measures the full grid with
/// BenchmarkDotNet, against the former linear scan.
/// </summary>
public static class MatchingSuite
{
    public static readonly (int Images, int Actions)[] DefaultScenarios = [(10, 5), (100, 50), (1000, 5), (1000, 50), (1000, 200), (10000, 50)];

    public static MatchingReport Run(BenchProgress progress, IReadOnlyList<(int Images, int Actions)>? scenarios = null, TimeSpan? window = null)
    {
        var measure = window ?? TimeSpan.FromMilliseconds(250);
        var rows = new List<MatchingRow>();
        var first = true;
        foreach (var (images, actions) in scenarios ?? DefaultScenarios)
        {
            progress.Tick("matching", $"{images} images × {actions} actions");
            var scenario = MatchingScenario.Create(images, actions);
            // Let the tiered JIT promote the loops before timing them.
            var warmup = first ? measure * 2 : measure / 2;
            first = false;
            Time(() => scenario.Index.FindBest(scenario.Request, MatchingScenario.CostModel, 0.5), warmup);
            var findBest = Time(() => scenario.Index.FindBest(scenario.Request, MatchingScenario.CostModel, 0.5), measure);
            // A fresh copy of the spec, as a plant in another process deserializes it (in-process plants share one DAG build).
            var bid = Time(() => scenario.Index.FindBest(ConfigDag.Build(scenario.Spec with { }), MatchingScenario.CostModel, 0.5), measure);
            rows.Add(new MatchingRow(images, actions, scenario.UsableImages, findBest, bid));
        }
        var target = rows.FirstOrDefault(r => r is { Images: 1000, Actions: 50 });
        progress.Step("matching", target is null ? $"{rows.Count} scenarios" : $"1,000 images × 50 actions: {target.FindBestMicroseconds:0.0} µs per match");
        return new MatchingReport("Stopwatch, median of 10 batches after warm-up (BenchmarkDotNet: bench/VMPlant.Benchmarks)", rows);
    }

    /// <summary>Median microseconds per call over ten batches filling <paramref name="window"/>.</summary>
    private static double Time(Func<object?> call, TimeSpan window)
    {
        var clock = Stopwatch.StartNew();
        var calls = 0;
        while (clock.Elapsed < window / 10 || calls < 3)
        {
            call();
            calls++;
        }
        var batch = Math.Max(1, calls);
        var means = new List<double>();
        for (var b = 0; b < 10; b++)
        {
            clock.Restart();
            for (var i = 0; i < batch; i++) call();
            means.Add(clock.Elapsed.TotalMicroseconds / batch);
        }
        return means.Order().ElementAt(means.Count / 2);
    }
}
