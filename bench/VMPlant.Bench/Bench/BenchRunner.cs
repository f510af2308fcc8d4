using System.Globalization;
using VMPlant.Bench.Workloads;

namespace VMPlant.Bench;

/// <summary>Runs the chosen suites in order, each bounded in count and time; a failing suite is reported and the rest go on.</summary>
public static class BenchRunner
{
    public static async Task<BenchReport> RunAsync(BenchOptions options, BenchProgress progress, string command)
    {
        var report = new BenchReport { StartedAt = DateTimeOffset.UtcNow, Machine = MachineInfo.Current(), Command = command };
        var root = Path.Combine(Path.GetTempPath(), $"vmplant-bench-{Guid.NewGuid():N}");
        Directory.CreateDirectory(root);
        try
        {
            var workload = LoadWorkload(options, report, progress);
            PreparedWorkload? prepared = null;
            foreach (var suite in options.Suites.Distinct())
            {
                try
                {
                    switch (suite)
                    {
                        case Suite.Workload:
                            break;
                        case Suite.Cache:
                            prepared ??= CacheSimulator.Prepare(workload);
                            report.Cache = CacheSuite.Run(prepared, progress);
                            break;
                        case Suite.Matching:
                            report.Matching = MatchingSuite.Run(progress, options.MatchingScenarios, options.MatchingWindow);
                            break;
                        case Suite.Placement:
                            report.Placement = await PlacementSuite.RunAsync(options, workload, root, progress);
                            break;
                        case Suite.Throughput:
                            var single = await ThroughputSuite.SingleNodeAsync(options, workload, root, progress);
                            report.Throughput = Append(report.Throughput, single, options);
                            break;
                        case Suite.Cluster:
                            var cluster = await ThroughputSuite.ClusterAsync(options, workload, root, progress);
                            report.Throughput = Append(report.Throughput, cluster, options);
                            break;
                        case Suite.Persistence:
                            report.Persistence = await PersistenceSuite.RunAsync(options, workload, root, progress);
                            break;
                        case Suite.Memory:
                            report.Memory = await MemorySuite.RunAsync(options, workload, root, progress);
                            break;
                    }
                }
                catch (Exception e)
                {
                    report.Errors.Add($"{suite.ToString().ToLowerInvariant()}: {e.GetType().Name}: {e.Message}");
                    progress.Step(suite.ToString().ToLowerInvariant(), $"FAILED: {e.Message}");
                }
            }
            report.Targets.AddRange(Targets(report));
            report.DurationSeconds = progress.Elapsed.TotalSeconds;
            report.LoadAverageAtEnd = MachineInfo.ReadLoadAverage();
            if (options.PlotDirectory is { } plots)
            {
                try
                {
                    foreach (var file in BenchPlots.Write(report, plots)) progress.Step("plot", file);
                }
                catch (Exception e) when (e is IOException or TypeInitializationException or DllNotFoundException or UnauthorizedAccessException)
                {
                    report.Errors.Add($"plot: {e.Message}");
                }
            }
            return report;
        }
        finally
        {
            if (options.Keep) progress.Step("bench", $"data kept in {root}");
            else TryDelete(root);
        }
    }

    private static Workload LoadWorkload(BenchOptions options, BenchReport report, BenchProgress progress)
    {
        var workload = options.WorkloadFile is { } file
            ? WorkloadFile.Load(file)
            : WorkloadGenerator.Generate(new WorkloadOptions(Seed: options.Seed, Requests: options.Requests));
        if (options.SaveWorkload is { } save)
        {
            WorkloadFile.Save(workload, save);
            progress.Step("workload", $"saved to {save}");
        }
        var total = workload.Requests.Length;
        report.Workload = new WorkloadSummary(
            options.WorkloadFile is null ? "generated" : $"file {options.WorkloadFile}",
            workload.Options.Seed, total, workload.DistinctStacks, workload.DistinctConfigurations, workload.TotalCost / 3600,
            workload.Requests.Average(r => r.Spec.Actions.Length),
            [.. workload.StackPopularity().Take(5).Select(p => new StackShare(p.Stack, p.Count, (double)p.Count / total))]);
        progress.Step("workload", $"{total:N0} requests, {workload.DistinctStacks} stacks, {workload.DistinctConfigurations:N0} distinct configurations " +
            $"(seed {workload.Options.Seed})");
        return workload;
    }

    private static ThroughputReport Append(ThroughputReport? existing, ThroughputRow row, BenchOptions options) =>
        new(existing?.Path ?? (options.Via == "client" ? "ClusterClient via the receptionist" : "Ask on the shop's singleton proxy in the bench process")
            + $"; {options.ThroughputWarmup.TotalSeconds:0.#} s of load before each {options.ThroughputDuration.TotalSeconds:0.#} s window"
            + (options.InMemoryJournal ? "; IN-MEMORY JOURNAL (diagnosis, nothing durable)" : ""),
            options.TestNodeDurable, [.. existing?.Rows ?? [], row]);

    /// <summary>The goals, each with where this run stands (null when the suite did not run).</summary>
    public static IEnumerable<TargetResult> Targets(BenchReport report)
    {
        var p16 = report.Placement?.Rows.FirstOrDefault(r => r.Plants == 16);
        yield return new TargetResult("placement p50, 16 plants, one machine", "≤ 2 ms", Ms(p16?.PlacementMs.P50), p16 is null ? null : p16.PlacementMs.P50 <= 2);
        yield return new TargetResult("placement p99, 16 plants, one machine", "≤ 10 ms", Ms(p16?.PlacementMs.P99), p16 is null ? null : p16.PlacementMs.P99 <= 10);
        var single = report.Throughput?.Rows.FirstOrDefault(r => r.Processes == 1);
        yield return new TargetResult("creates/s end to end, one node, embedded driver", "≥ 1,000/s",
            single is null ? "-" : $"{single.CreatesPerSecond:0}/s", single is null ? null : single.CreatesPerSecond >= 1000);
        var match = report.Matching?.Rows.FirstOrDefault(r => r is { Images: 1000, Actions: 50 });
        yield return new TargetResult("matching, 1,000 images × 50 actions", "≤ 50 µs",
            match is null ? "-" : $"{match.FindBestMicroseconds:0.0} µs", match is null ? null : match.FindBestMicroseconds <= 50);
        var memory = report.Memory;
        yield return new TargetResult($"RSS after {Cycles(memory?.Rows[^1].Target ?? 100_000)} vs {Cycles(memory?.Rows[0].Target ?? 1_000)} create+destroy cycles", "≤ 1.5×",
            memory is null || !double.IsFinite(memory.RssRatio) ? "-" : $"{memory.RssRatio:0.00}×", memory is null || !double.IsFinite(memory.RssRatio) ? null : memory.RssRatio <= 1.5);
        var cache = report.Cache?.Rows.FirstOrDefault(CacheSuite.IsVmPlant);
        yield return new TargetResult("cache saving vs no cache, default grid workload", "≥ 5×",
            cache is null ? "-" : CacheSuite.Ratio(cache.VsNoCache), cache is null ? null : cache.VsNoCache >= 5);
    }

    private static string Cycles(int count) => count switch
    {
        >= 1_000_000 when count % 1_000_000 == 0 => $"{count / 1_000_000}M",
        >= 1_000 when count % 1_000 == 0 => $"{count / 1_000}k",
        _ => $"{count}",
    };

    private static string Ms(double? value) => value is { } v ? v.ToString("0.00", CultureInfo.InvariantCulture) + " ms" : "-";

    private static void TryDelete(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A member process may still hold a file: /tmp is cleaned eventually.
        }
    }
}
