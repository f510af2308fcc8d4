using System.Globalization;
using System.Text;

namespace VMPlant.Bench;

/// <summary>The human-readable summary of a report: one aligned table per suite, then the targets.</summary>
public static class BenchSummary
{
    public static string Render(BenchReport report)
    {
        var text = new StringBuilder();
        var m = report.Machine;
        text.AppendLine($"VMPlant bench, {report.StartedAt:yyyy-MM-dd HH:mm} UTC, {report.DurationSeconds:0} s on {m.Cores} cores ({m.Cpu}), {m.Runtime}; " +
            $"load average {m.LoadAverage} at start, {report.LoadAverageAtEnd} at end");
        text.AppendLine($"command: {report.Command}");
        if (report.Workload is { } w)
            text.AppendLine().AppendLine($"Workload ({w.Source}): seed {w.Seed}, {w.Requests:N0} requests, {w.DistinctStacks} stacks, " +
                $"{w.DistinctConfigurations:N0} distinct configurations, {w.MeanActions:0.0} actions each, {w.TotalCostHours:N0} h of work without reuse; " +
                $"top stack {w.TopStacks.FirstOrDefault()?.Stack} ({w.TopStacks.FirstOrDefault()?.Share:P0})");

        if (report.Cache is { } cache)
        {
            var vmplant = cache.Rows.First(CacheSuite.IsVmPlant);
            text.AppendLine().AppendLine($"Cache benefit, same workload and run (simulated: {cache.Plants} plants, {cache.MaxImages} images each)");
            text.AppendLine(Table(["rule", "work performed (h)", "× less than no cache", "VMPlant does × less", "full / partial / no reuse", "rejected"],
                cache.Rows.Select(r => new[]
                {
                    r.Name, N(r.PerformedWorkHours, "0.0"), CacheSuite.Ratio(r.VsNoCache), CacheSuite.Ratio(r.PerformedWorkHours / vmplant.PerformedWorkHours),
                    $"{r.FullHits} / {r.PartialHits} / {r.Misses}", $"{r.Rejected}",
                })));
            text.AppendLine("  saving vs cache size (× less work than no cache): " + string.Join(", ",
                cache.Sweep.Select(p => $"{p.MaxImages}: {p.VmPlant:0.0}× (prefix {p.ExactPrefix:0.0}×, whole {p.WholeImage:0.0}×)")));
        }

        if (report.Matching is { } matching)
        {
            text.AppendLine().AppendLine($"Matching per bid ({matching.Method})");
            text.AppendLine(Table(["images × actions", "usable images", "FindBest (µs)", "remote bid: DAG + FindBest (µs)"],
                matching.Rows.Select(r => new[] { $"{r.Images:N0} × {r.Actions}", $"{r.UsableImages:N0}", N(r.FindBestMicroseconds, "0.0"), N(r.BidMicroseconds, "0.0") })));
        }

        if (report.Placement is { } placement)
        {
            text.AppendLine().AppendLine($"Placement and create latency, the shop in this process ({placement.Path}; {placement.Resources})");
            text.AppendLine(Table(["plants", "requests", "placement p50 / p95 / p99 (ms)", "create p50 / p95 / p99 (ms)", "destroy p50 (ms)"],
                placement.Rows.Select(r => new[] { $"{r.Plants}", $"{r.Requests}", Pct(r.PlacementMs), Pct(r.CreateMs), N(r.DestroyMs.P50, "0.00") })));
            if ((placement.Rows.LastOrDefault(r => r.Plants == 16) ?? placement.Rows.LastOrDefault()) is { Phases.Count: > 0 } traced)
            {
                text.AppendLine($"  where a create's time goes ({traced.Plants} plants, one request at a time):");
                text.AppendLine(Indent(Phases(traced.Phases)));
            }
        }

        if (report.Throughput is { } throughput)
        {
            text.AppendLine().AppendLine($"Sustained throughput ({throughput.Path}; test-node-durable = {(throughput.TestNodeDurable ? "on" : "off")})");
            text.AppendLine(Table(["topology", "plants", "concurrency", "creates/s", "destroys/s", "create p50 / p95 / p99 (ms)", "placement p50 (ms)", "failures"],
                throughput.Rows.Select(r => new[]
                {
                    r.Topology, $"{r.Plants}", $"{r.Concurrency}", N(r.CreatesPerSecond, "0"), N(r.DestroysPerSecond, "0"), Pct(r.CreateMs),
                    N(r.PlacementMs.P50, "0.00"), $"{r.Failures}",
                })));
            if (throughput.Rows.Any(r => r.Costs is not null))
            {
                text.AppendLine("  per create, this process, measured window (destroys and image publishes included; fsyncs: host saves + journal commits):");
                text.AppendLine(Indent(Table(["topology", "CPU (ms)", "of it JIT (ms)", "methods JIT-compiled", "shop events", "plant events", "host saves", "host save KiB", "written KiB", "to storage KiB"],
                    throughput.Rows.Where(r => r.Costs is not null).Select(r => r.Costs!).Zip(throughput.Rows.Where(r => r.Costs is not null), (c, r) => new[]
                    {
                        r.Topology, N(c.CpuMs, "0.0"), N(c.JitMs, "0.0"), $"{c.JitMethods:N0}", N(c.ShopEvents, "0.00"), N(c.PlantEvents, "0.00"), N(c.HostSaves, "0.00"),
                        N(c.HostSaveBytes / 1024, "0.0"), N(c.WrittenBytes / 1024, "0.0"), N(c.StoredBytes / 1024, "0.0"),
                    }))));
            }
            foreach (var row in throughput.Rows.Where(r => r.Phases.Count > 0))
            {
                text.AppendLine($"  where a create's time goes ({row.Topology}; phases overlap with other requests'):");
                text.AppendLine(Indent(Phases(row.Phases)));
            }
        }

        if (report.Persistence is { } persistence)
        {
            text.AppendLine().AppendLine("Shop journal (persistence id \"shop\")");
            text.AppendLine(Table(["backend", "writes", "events", "events/s"],
                persistence.Writes.Select(r => new[] { r.Backend, r.Mode, $"{r.Events:N0}", N(r.EventsPerSecond, "0") })));
            text.AppendLine(Table(["backend", "journal events", "snapshot", "replayed", "recovery (ms)", "snapshot bytes", "requests in full / remembered"],
                persistence.Recovery.Select(r => new[]
                {
                    r.Backend, $"{r.Events:N0}", r.Snapshot ? "yes" : "no", $"{r.ReplayedEvents:N0}", N(r.Milliseconds, "0"),
                    r.SnapshotBytes is { } bytes ? $"{bytes:N0}" : "", r.FullRequests is { } full ? $"{full:N0} / {r.RememberedRequests:N0}" : "",
                })));
            foreach (var note in persistence.Notes) text.AppendLine($"  {note}");
        }

        if (report.Memory is { } memory)
        {
            text.AppendLine().AppendLine($"Memory after create+destroy cycles ({memory.Node}; {memory.Concurrency} in flight)");
            text.AppendLine(Table(["cycles", "elapsed (s)", "cycles/s", "RSS (MiB)", "anon / file / shmem", "malloc used / free", "threads", "GC heap (MiB)", "GC committed (MiB)", "shop requests / remembered / VMs",
                    "plant VMs / request ids / removed / images / learned", "snapshot KiB shop / plants", "snapshot rows", "journal rows", "db MiB"],
                memory.Rows.Select(r => new[]
                {
                    $"{r.Cycles:N0}", N(r.ElapsedSeconds, "0"), N(r.CyclesPerSecond, "0"), N(r.RssMiB, "0.0"),
                    r.RssParts is { } parts ? $"{N(parts.AnonMiB, "0")} / {N(parts.FileMiB, "0")} / {N(parts.ShmemMiB, "0")}" : "-",
                    r.MallocInUseMiB is { } used ? $"{N(used, "0.0")} / {N(r.MallocFreeMiB ?? double.NaN, "0.0")}" : "-", r.Threads is { } t ? $"{t}" : "-",
                    N(r.GcHeapMiB, "0.0"), N(r.GcCommittedMiB, "0.0"),
                    $"{r.Shop.Requests:N0} / {r.Shop.Remembered:N0} / {r.Shop.Vms:N0}",
                    $"{r.Plants.Vms:N0} / {r.Plants.RequestIds:N0} / {r.Plants.Removed:N0} / {r.Plants.Images:N0} / {r.Plants.LearnedCosts:N0}",
                    $"{r.Snapshots.ShopBytes / 1024.0:0.0} / {r.Snapshots.PlantBytes / 1024.0:0.0}", $"{r.Snapshots.Rows:N0}", $"{r.Snapshots.JournalRows:N0}",
                    N(r.DatabaseBytes / 1048576.0, "0.0"),
                })));
            text.AppendLine($"  RSS after {memory.Rows[^1].Cycles:N0} cycles / after {memory.Rows[0].Cycles:N0}: {N(memory.RssRatio, "0.00")}×" +
                (memory.Rows[^1].Failures > 0 ? $"; {memory.Rows[^1].Failures} failed requests" : ""));
            foreach (var note in memory.Notes) text.AppendLine($"  {note}");
        }

        if (report.Targets.Count > 0)
        {
            text.AppendLine().AppendLine("Targets (goals, not assertions)");
            text.AppendLine(Table(["target", "goal", "measured", ""],
                report.Targets.Select(t => new[] { t.Target, t.Goal, t.Measured, t.Met switch { true => "met", false => "MISSED", null => "not run" } })));
        }
        foreach (var error in report.Errors) text.AppendLine($"error: {error}");
        return text.ToString().TrimEnd();
    }

    private static string Phases(IReadOnlyList<PhaseTiming> phases) => Table(["phase", "mean (ms)", "p50", "p95", "p99"],
        phases.Select(p => new[] { p.Phase, N(p.Ms.Mean, "0.00"), N(p.Ms.P50, "0.00"), N(p.Ms.P95, "0.00"), N(p.Ms.P99, "0.00") }));

    private static string Pct(Percentiles p) => $"{N(p.P50, "0.00")} / {N(p.P95, "0.00")} / {N(p.P99, "0.00")}";

    private static string N(double value, string format) => double.IsFinite(value) ? value.ToString(format, CultureInfo.InvariantCulture) : "-";

    private static string Indent(string table) => string.Join("\n", table.Split('\n').Select(l => "  " + l));

    private static string Table(string[] header, IEnumerable<string[]> rows)
    {
        var all = rows.Prepend(header).ToList();
        var widths = header.Select((_, i) => all.Max(r => r[i].Length)).ToArray();
        var text = new StringBuilder();
        for (var r = 0; r < all.Count; r++)
        {
            text.AppendLine(("  " + string.Join("  ", all[r].Select((cell, i) => cell.PadRight(widths[i])))).TrimEnd());
            if (r == 0) text.AppendLine("  " + string.Join("  ", widths.Select(w => new string('-', w))));
        }
        return text.ToString().TrimEnd();
    }
}
