using System.Collections.Immutable;
using VMPlant.Bench.Workloads;

namespace VMPlant.Bench;

/// <summary>
/// Sustained creates/s and destroys/s at a fixed concurrency: on one in-process node, and on a 3-process cluster
/// (this process hosts the shop and a third of the plants; two `vmplant serve` processes host the rest).
/// </summary>
public static class ThroughputSuite
{
    /// <summary>VMs each worker keeps alive; beyond that it destroys its oldest, so creates and destroys interleave.</summary>
    public const int KeepPerWorker = 4;

    public static async Task<ThroughputRow> SingleNodeAsync(BenchOptions options, Workload workload, string root, BenchProgress progress)
    {
        progress.Step("throughput", $"1 node, {options.ThroughputPlants} plants: starting");
        var layout = new BenchNodeLayout(Path.Combine(root, "throughput"), options.ThroughputPlants, TestNodeDurable: options.TestNodeDurable,
            InMemoryJournal: options.InMemoryJournal);
        await using var node = await BenchNode.StartAsync(layout, options.ConfigFile);
        await node.WaitForPlantsAsync(options.ThroughputPlants, TimeSpan.FromSeconds(90), progress, "throughput");
        return await MeasureAsync("1 node", 1, options, workload, node, progress, "throughput");
    }

    public static async Task<ThroughputRow> ClusterAsync(BenchOptions options, Workload workload, string root, BenchProgress progress)
    {
        var split = Split(options.ThroughputPlants, 3);
        progress.Step("cluster", $"3 processes, {options.ThroughputPlants} plants ({string.Join(" + ", split)}): starting");
        var local = new BenchNodeLayout(Path.Combine(root, "cluster-1"), split[0], "a", TestNodeDurable: options.TestNodeDurable,
            InMemoryJournal: options.InMemoryJournal);
        await using var node = await BenchNode.StartAsync(local, options.ConfigFile);
        await using var members = new ClusterProcesses();
        var seed = ImmutableArray.Create(node.Address.ToString());
        var starts = new[] { ("b", split[1]), ("c", split[2]) }.Select((m, i) => members.StartAsync(
            new BenchNodeLayout(Path.Combine(root, $"cluster-{i + 2}"), m.Item2, m.Item1, Shop: false, SeedNodes: seed, TestNodeDurable: options.TestNodeDurable,
                InMemoryJournal: options.InMemoryJournal),
            $"cluster member {i + 2}", TimeSpan.FromSeconds(90)));
        await Task.WhenAll(starts);
        await node.WaitForPlantsAsync(options.ThroughputPlants, TimeSpan.FromSeconds(90), progress, "cluster");
        try
        {
            return await MeasureAsync("3 processes", 3, options, workload, node, progress, "cluster");
        }
        finally
        {
            await members.StopAsync(TimeSpan.FromSeconds(15));
            progress.Step("cluster", "members stopped");
        }
    }

    private static async Task<ThroughputRow> MeasureAsync(string topology, int processes, BenchOptions options, Workload workload,
        BenchNode node, BenchProgress progress, string suite)
    {
        await using var shop = await node.GatewayAsync(options.Via, options.ConfigFile);
        using var trace = TraceRecorder.Install();
        var start = DateTime.UtcNow;
        var measureFrom = start + options.ThroughputWarmup;
        var until = measureFrom + options.ThroughputDuration;
        var driver = new LoadDriver(shop, workload, trace, $"tp{processes}");
        var results = await driver.RunAsync(options.Concurrency, KeepPerWorker, int.MaxValue, 0, measureFrom, until,
            r => progress.Tick(suite, DateTime.UtcNow < measureFrom
                ? "warming up"
                : $"{r.Creates} creates, {r.Destroys} destroys in {(DateTime.UtcNow - measureFrom).TotalSeconds:0}s"));
        var seconds = options.ThroughputDuration.TotalSeconds;
        var row = new ThroughputRow(topology, processes, options.ThroughputPlants, options.Concurrency, seconds,
            results.Creates, results.Destroys, results.Failures, results.Creates / seconds, results.Destroys / seconds,
            Percentiles.Of(results.CreateMs), Percentiles.Of(results.PlacementMs), trace.PhaseTimings(results.RequestIds));
        progress.Step(suite, $"{topology}: {row.CreatesPerSecond:0} creates/s, {row.DestroysPerSecond:0} destroys/s" +
            (results.Failures > 0 ? $", {results.Failures} failures ({string.Join("; ", results.FailureReasons)})" : ""));
        return row;
    }

    /// <summary>Plants per process, as even as possible, the first process taking the remainder.</summary>
    public static int[] Split(int plants, int processes)
    {
        var split = Enumerable.Repeat(plants / processes, processes).ToArray();
        for (var i = 0; i < plants % processes; i++) split[i]++;
        return split;
    }
}
