using BenchmarkDotNet.Attributes;
using VMPlant.Actors.Domain;
using VMPlant.Bench.Workloads;

namespace VMPlant.Benchmarks;

/// <summary>
/// Matching cost per bid vs cache size and DAG size, on <see cref="MatchingScenario"/> caches (about 15% usable
/// subsets, half sharing a prefix with extra actions, the rest from other OSes). FindBest is VMPlant's index;
/// LinearScan is the former signature scan (baseline); Bid adds building the DAG from a fresh spec, as a plant in
/// another process does.
/// </summary>
[ShortRunJob]
[MemoryDiagnoser]
public class MatchingBenchmarks
{
    private MatchingScenario _scenario = null!;
    private LinearScanIndex _linear = null!;

    [Params(10, 100, 1000, 10000)]
    public int Images { get; set; }

    [Params(5, 50, 200)]
    public int Actions { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _scenario = MatchingScenario.Create(Images, Actions);
        _linear = new LinearScanIndex(_scenario.Index.Images);
        var indexed = _scenario.Index.FindBest(_scenario.Request, MatchingScenario.CostModel, 0.5);
        var scanned = _linear.FindBest(_scenario.Request, MatchingScenario.CostModel, 0.5);
        if (indexed?.Image.ImageId != scanned?.Image.ImageId)
            throw new InvalidOperationException($"index and linear scan disagree: {indexed?.Image.ImageId} vs {scanned?.Image.ImageId}");
    }

    [Benchmark(Baseline = true)]
    public ImageMatch? LinearScan() => _linear.FindBest(_scenario.Request, MatchingScenario.CostModel, 0.5);

    [Benchmark]
    public ImageMatch? FindBest() => _scenario.Index.FindBest(_scenario.Request, MatchingScenario.CostModel, 0.5);

    [Benchmark]
    public ImageMatch? Bid() => _scenario.Index.FindBest(ConfigDag.Build(_scenario.Spec with { }), MatchingScenario.CostModel, 0.5);
}
