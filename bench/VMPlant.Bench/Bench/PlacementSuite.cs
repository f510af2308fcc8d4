using VMPlant.Bench.Workloads;

namespace VMPlant.Bench;

/// <summary>
/// Placement latency (request sent → award decided) and end-to-end create latency, one request at a time, with 1, 4,
/// 16, 64 and 256 test-driver plants: up to <see cref="BenchOptions.PlantsPerProcess"/> on the in-process shop node,
/// the rest on plant-only `vmplant serve` processes on loopback (so 256 plants are 4 processes of 64).
/// </summary>
public static class PlacementSuite
{
    /// <summary>VMs each sequential run keeps alive (older ones are destroyed, timing destroys too).</summary>
    public const int KeepAlive = 20;

    public static async Task<PlacementReport> RunAsync(BenchOptions options, Workload workload, string root, BenchProgress progress)
    {
        var rows = new List<PlacementRow>();
        var path = "";
        foreach (var plants in options.PlantCounts)
        {
            var split = ThroughputSuite.Split(plants, (plants + options.PlantsPerProcess - 1) / options.PlantsPerProcess);
            progress.Step("placement", $"{plants} plants: starting {split.Length} process(es) ({string.Join(" + ", split)})");
            var layout = new BenchNodeLayout(Path.Combine(root, $"placement-{plants}"), split[0], TestNodeDurable: options.TestNodeDurable,
                InMemoryJournal: options.InMemoryJournal);
            await using var node = await BenchNode.StartAsync(layout, options.ConfigFile);
            await using var members = new ClusterProcesses();
            await Task.WhenAll(split.Skip(1).Select((count, i) => members.StartAsync(
                new BenchNodeLayout(Path.Combine(root, $"placement-{plants}-{i + 2}"), count, $"m{i + 2}p", Shop: false,
                    SeedNodes: [node.Address.ToString()], TestNodeDurable: options.TestNodeDurable, InMemoryJournal: options.InMemoryJournal),
                $"placement member {i + 2}", TimeSpan.FromSeconds(120))));
            await node.WaitForPlantsAsync(plants, TimeSpan.FromSeconds(180), progress, "placement");
            await using var shop = await node.GatewayAsync(options.Via, options.ConfigFile);
            path = shop.Description;
            using var trace = TraceRecorder.Install();
            var total = options.WarmupRequests + options.PlacementRequests;
            var driver = new LoadDriver(shop, workload, trace, $"place{plants}");
            var results = await driver.RunAsync(1, KeepAlive, total, options.WarmupRequests, DateTime.MinValue, DateTime.MaxValue,
                r => progress.Tick("placement", $"{plants} plants: {r.Creates}/{options.PlacementRequests} creates"));
            await members.StopAsync(TimeSpan.FromSeconds(15));
            if (results.Failures > 0)
                throw new InvalidOperationException($"{plants} plants: {results.Failures} requests failed: {string.Join("; ", results.FailureReasons)}");
            var row = new PlacementRow(plants, results.Creates, Percentiles.Of(results.PlacementMs), Percentiles.Of(results.CreateMs),
                Percentiles.Of(results.DestroyMs), trace.PhaseTimings(results.RequestIds));
            rows.Add(row);
            progress.Step("placement", $"{plants} plants: placement p50 {row.PlacementMs.P50:0.00} ms, p99 {row.PlacementMs.P99:0.00} ms; " +
                $"create p50 {row.CreateMs.P50:0.00} ms");
        }
        return new PlacementReport(path, $"workload DAGs, each VM {BenchNodeLayout.VmSize.Vcpus} vCPU / {BenchNodeLayout.VmSize.MemoryMiB} MiB / " +
            $"{BenchNodeLayout.VmSize.DiskGiB} GiB; one request at a time; {KeepAlive} VMs kept alive; at most {options.PlantsPerProcess} plants per process", rows);
    }
}
