using System.Diagnostics;
using System.Runtime;
using Akka.Actor;
using Microsoft.Data.Sqlite;
using VMPlant.Actors.Domain;
using VMPlant.Bench.Workloads;
using VMPlant.Host.Configuration;

namespace VMPlant.Bench;

/// <summary>
/// Does memory stay flat as history grows? One in-process node (shop + test-driver plants, SQLite journal, as the
/// throughput suite runs it) takes create+destroy cycles, many in flight; after 1k, 10k and 100k cycles the suite forces
/// a full compacting GC and reads the process's RSS and GC heap, the shop's and plants' latest snapshots (state counts
/// and bytes) and the journal's size.
/// </summary>
public static class MemorySuite
{
    /// <summary>
    /// Windows of seconds and hundreds of requests, instead of hours and hundreds of thousands, so the shop's state reaches
    /// its steady size within the first thousand cycles: the run then shows whether anything else grows.
    /// </summary>
    public const string SmallRetention = """
        vmplant.shop.retention {
          max-age = 5s
          max-requests = 200
          idempotency-window = 15s
          idempotency-max-requests = 1000
          destroyed-vms = 5s
        }
        """;

    public static async Task<MemoryReport> RunAsync(BenchOptions options, Workload workload, string root, BenchProgress progress)
    {
        var small = options.MemoryRetention == "small";
        var layout = new BenchNodeLayout(Path.Combine(root, "memory"), options.MemoryPlants, TestNodeDurable: options.TestNodeDurable,
            ExtraHocon: small ? SmallRetention : "");
        progress.Step("memory", $"1 node, {options.MemoryPlants} plants, {options.MemoryConcurrency} cycles in flight: starting");
        await using var node = await BenchNode.StartAsync(layout, options.ConfigFile);
        var retention = SettingsReader.Shop(node.Node.System.Settings.Config).Retention;
        await node.WaitForPlantsAsync(options.MemoryPlants, TimeSpan.FromSeconds(90), progress, "memory");
        await using var shop = await node.GatewayAsync("proxy", options.ConfigFile);
        // keep = 0: each worker destroys its VM as soon as it is created, so a checkpoint leaves no VM behind.
        var driver = new LoadDriver(shop, workload, trace: null, "mem");
        var rows = new List<MemoryRow>();
        var clock = Stopwatch.StartNew();
        var done = 0;
        var failures = 0;
        foreach (var target in options.MemoryCycles)
        {
            var segment = Stopwatch.StartNew();
            var results = await driver.RunAsync(options.MemoryConcurrency, keepPerWorker: 0, limit: target, skip: 0, DateTime.MinValue, DateTime.MaxValue,
                r => progress.Tick("memory", $"{done + r.Creates:N0} / {target:N0} cycles, {r.Failures} failures"));
            done += results.Creates;
            failures += results.Failures;
            var seconds = segment.Elapsed.TotalSeconds;
            var row = Measure(node.Node.System, layout.DataDir, target, done, clock.Elapsed.TotalSeconds, results.Creates / seconds, failures);
            rows.Add(row);
            progress.Step("memory", $"{target:N0} cycles ({results.Creates / seconds:0}/s): RSS {row.RssMiB:0.0} MiB, GC heap {row.GcHeapMiB:0.0} MiB; " +
                $"shop {row.Shop.Requests} requests, {row.Shop.Remembered} remembered, {row.Shop.Vms} VMs; plants {row.Plants.Vms} VMs, {row.Plants.Removed} removed" +
                (failures > 0 ? $"; {failures} failures ({string.Join("; ", results.FailureReasons)})" : ""));
        }
        var notes = new List<string>
        {
            "A cycle is one create answered, then one destroy of that VM answered; the driver's own records are dropped at each checkpoint.",
            "Before each reading: GC.Collect(2, Aggressive, blocking, compacting) twice around the finalizers; RSS is VmRSS from /proc/self/status.",
            "State counts and bytes come from the latest snapshots in the node's SQLite file, so they lag by up to one snapshot spacing (snapshot-every events, or the state's weight in full records when more).",
            $"Shop retention ({(small ? "small windows, via HOCON, so the steady state comes early" : "as configured")}): max-age {retention.MaxAge.TotalSeconds:0}s, " +
            $"max-requests {retention.MaxRequests:N0}, idempotency-window {retention.IdempotencyWindow.TotalSeconds:0}s, " +
            $"idempotency-max-requests {retention.IdempotencyMaxRequests:N0}, destroyed-vms {retention.DestroyedVms.TotalSeconds:0}s; " +
            $"plants remember the last {PlantState.RemovedKept:N0} removed requests each.",
        };
        var ratio = rows.Count > 1 ? rows[^1].RssMiB / rows[0].RssMiB : double.NaN;
        return new MemoryReport($"1 node, {options.MemoryPlants} test-driver plants, SQLite journal, test-node-durable = {(options.TestNodeDurable ? "on" : "off")}",
            options.MemoryConcurrency, rows, ratio, notes);
    }

    private static MemoryRow Measure(ActorSystem system, string dataDir, int target, int cycles, double elapsed, double cyclesPerSecond, int failures)
    {
        // What is garbage now must not count: a full blocking compaction that also returns free memory to the OS.
        GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
        GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        var heap = GC.GetTotalMemory(forceFullCollection: false);
        var info = GC.GetGCMemoryInfo(GCKind.Any);
        var rss = ReadRssBytes();
        var malloc = MallocStats.Current();
        using var self = Process.GetCurrentProcess();
        var (shop, plants, snapshots) = ReadSnapshots(system, Path.Combine(dataDir, "vmplant.db"));
        return new MemoryRow(target, cycles, elapsed, cyclesPerSecond, failures, rss / 1048576.0, heap / 1048576.0, info.TotalCommittedBytes / 1048576.0,
            shop, plants, snapshots, DatabaseBytes(dataDir))
        {
            RssParts = ReadRssParts(),
            MallocInUseMiB = malloc?.InUseMiB,
            MallocFreeMiB = malloc?.FreeMiB,
            Threads = self.Threads.Count,
        };
    }

    /// <summary>VmRSS from /proc/self/status, in bytes (the working set where /proc is missing).</summary>
    public static long ReadRssBytes()
    {
        try
        {
            var line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
            if (line is not null) return long.Parse(line["VmRSS:".Length..].Trim().Split(' ')[0]) * 1024;
        }
        catch (IOException)
        {
            // Not Linux.
        }
        using var process = Process.GetCurrentProcess();
        return process.WorkingSet64;
    }

    /// <summary>
    /// RSS by kind from /proc/self/status, MiB: anonymous (GC heap, native allocations, stacks), file-backed (code and
    /// data of loaded libraries), shared memory (the JIT's double-mapped code); null where /proc is missing.
    /// </summary>
    private static RssParts? ReadRssParts()
    {
        try
        {
            var fields = File.ReadLines("/proc/self/status").Select(l => l.Split(':', 2)).Where(p => p.Length == 2)
                .ToDictionary(p => p[0], p => p[1].Trim().Split(' ')[0]);
            double MiB(string key) => fields.TryGetValue(key, out var kb) ? long.Parse(kb) / 1024.0 : double.NaN;
            return new RssParts(MiB("RssAnon"), MiB("RssFile"), MiB("RssShmem"));
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>The shop's and plants' latest snapshots, deserialized as the node would: their counts and bytes.</summary>
    private static (ShopCounts Shop, PlantCounts Plants, SnapshotCounts Snapshots) ReadSnapshots(ActorSystem system, string database)
    {
        var shop = new ShopCounts(0, 0, 0, 0, 0);
        var plants = new PlantCounts(0, 0, 0, 0, 0, 0);
        long shopBytes = 0, plantBytes = 0, rows = 0, journalRows = 0;
        using var connection = new SqliteConnection($"Data Source={database};Mode=ReadOnly");
        connection.Open();
        using (var command = connection.CreateCommand())
        {
            command.CommandText = """
                SELECT persistence_id, snapshot, serializer_id, manifest FROM snapshot s
                WHERE sequence_number = (SELECT MAX(sequence_number) FROM snapshot WHERE persistence_id = s.persistence_id)
                """;
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                var bytes = (byte[])reader["snapshot"];
                var state = system.Serialization.Deserialize(bytes, reader.GetInt32(2), reader.IsDBNull(3) ? "" : reader.GetString(3));
                switch (state)
                {
                    case ShopSnapshot s:
                        shopBytes += bytes.Length;
                        shop = new ShopCounts(s.Requests.Count(r => !r.IsFinished), s.Requests.Count(r => r.IsFinished), s.Remembered?.Length ?? 0,
                            s.Vms.Length, s.Removals?.Length ?? 0);
                        break;
                    case PlantSnapshot p:
                        plantBytes += bytes.Length;
                        plants = plants with
                        {
                            Snapshots = plants.Snapshots + 1,
                            Vms = plants.Vms + p.Vms.Length,
                            RequestIds = plants.RequestIds + p.VmIdByRequest.Count,
                            Removed = plants.Removed + (p.Removed?.Length ?? 0),
                            Images = plants.Images + p.Images.Length,
                            LearnedCosts = plants.LearnedCosts + (p.Learned?.Length ?? 0),
                        };
                        break;
                }
            }
        }
        using (var command = connection.CreateCommand())
        {
            command.CommandText = "SELECT (SELECT COUNT(*) FROM snapshot), (SELECT COUNT(*) FROM journal)";
            using var reader = command.ExecuteReader();
            reader.Read();
            (rows, journalRows) = (reader.GetInt64(0), reader.GetInt64(1));
        }
        return (shop, plants, new SnapshotCounts(shopBytes, plantBytes, rows, journalRows));
    }

    private static long DatabaseBytes(string dataDir) =>
        new[] { "vmplant.db", "vmplant.db-wal", "vmplant.db-shm" }.Select(f => new FileInfo(Path.Combine(dataDir, f))).Where(f => f.Exists).Sum(f => f.Length);
}
