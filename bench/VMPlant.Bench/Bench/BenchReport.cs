using System.Text.Json;
using System.Text.Json.Serialization;

namespace VMPlant.Bench;

/// <summary>The whole result of a bench run; <c>--json</c> prints it as is.</summary>
public sealed class BenchReport
{
    public const string CurrentFormat = "vmplant-bench/1";

    public string Format { get; init; } = CurrentFormat;

    public DateTimeOffset StartedAt { get; init; }

    public double DurationSeconds { get; set; }

    /// <summary>/proc/loadavg when the run ended.</summary>
    public string? LoadAverageAtEnd { get; set; }

    public required MachineInfo Machine { get; init; }

    public required string Command { get; init; }

    public WorkloadSummary? Workload { get; set; }

    public CacheReport? Cache { get; set; }

    public MatchingReport? Matching { get; set; }

    public PlacementReport? Placement { get; set; }

    public ThroughputReport? Throughput { get; set; }

    public PersistenceReport? Persistence { get; set; }

    public MemoryReport? Memory { get; set; }

    public List<TargetResult> Targets { get; } = [];

    public List<string> Errors { get; } = [];

    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions);
}

/// <param name="LoadAverage">/proc/loadavg (1, 5, 15 minutes) when the run started: other work on the machine skews every timing.</param>
public sealed record MachineInfo(int Cores, string Cpu, string Os, string Runtime, string Hostname, string LoadAverage)
{
    public static MachineInfo Current()
    {
        var cpu = "unknown";
        try
        {
            cpu = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? cpu;
        }
        catch (IOException)
        {
            // Not Linux: the model stays unknown.
        }
        return new MachineInfo(Environment.ProcessorCount, cpu, System.Runtime.InteropServices.RuntimeInformation.OSDescription,
            System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription, Environment.MachineName, ReadLoadAverage());
    }

    public static string ReadLoadAverage()
    {
        try
        {
            return string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "unknown";
        }
    }
}

public sealed record WorkloadSummary(
    string Source, int Seed, int Requests, int DistinctStacks, int DistinctConfigurations, double TotalCostHours,
    double MeanActions, IReadOnlyList<StackShare> TopStacks);

public sealed record StackShare(string Stack, int Requests, double Share);

/// <summary>Percentiles of a latency sample, in milliseconds.</summary>
public sealed record Percentiles(int Count, double Mean, double P50, double P95, double P99, double Max)
{
    public static Percentiles Of(IReadOnlyCollection<double> samples)
    {
        if (samples.Count == 0) return new Percentiles(0, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN);
        var sorted = samples.Order().ToArray();
        // Nearest-rank percentiles: the smallest sample with at least p% of samples at or below it.
        double At(double p) => sorted[Math.Clamp((int)Math.Ceiling(p / 100 * sorted.Length) - 1, 0, sorted.Length - 1)];
        return new Percentiles(sorted.Length, sorted.Average(), At(50), At(95), At(99), sorted[^1]);
    }
}

public sealed record CacheRow(
    string Name, string Reuse, string Placement, bool CoreImages, int Served, int Rejected, double PerformedWorkHours, double RequestedWorkHours,
    double SavedFraction, double VsNoCache, int FullHits, int PartialHits, int Misses, int Published, int Evicted);

public sealed record CacheSweepPoint(int MaxImages, double VmPlant, double ExactPrefix, double WholeImage);

public sealed record CacheReport(
    int Plants, int MaxImages, IReadOnlyList<CacheRow> Rows, IReadOnlyList<CacheSweepPoint> Sweep, string Note);

public sealed record MatchingRow(int Images, int Actions, int UsableImages, double FindBestMicroseconds, double BidMicroseconds);

public sealed record MatchingReport(string Method, IReadOnlyList<MatchingRow> Rows);

/// <summary>Mean and percentiles of one phase of a create, in milliseconds.</summary>
public sealed record PhaseTiming(string Phase, Percentiles Ms);

public sealed record PlacementRow(int Plants, int Requests, Percentiles PlacementMs, Percentiles CreateMs, Percentiles DestroyMs, IReadOnlyList<PhaseTiming> Phases);

public sealed record PlacementReport(string Path, string Resources, IReadOnlyList<PlacementRow> Rows);

public sealed record ThroughputRow(
    string Topology, int Processes, int Plants, int Concurrency, double Seconds, int Creates, int Destroys, int Failures,
    double CreatesPerSecond, double DestroysPerSecond, Percentiles CreateMs, Percentiles PlacementMs, IReadOnlyList<PhaseTiming> Phases)
{
    /// <summary>What each create cost the bench process in the measured window (null in reports from before it was measured).</summary>
    public CreateCosts? Costs { get; init; }
}

public sealed record ThroughputReport(string Path, bool TestNodeDurable, IReadOnlyList<ThroughputRow> Rows);

public sealed record PersistRow(string Backend, string Mode, int Events, double Seconds, double EventsPerSecond);

public sealed record RecoveryRow(string Backend, int Events, bool Snapshot, int ReplayedEvents, double Milliseconds)
{
    /// <summary>The snapshot's serialized size (rows recovered from a snapshot; null in reports from before it was measured).</summary>
    public long? SnapshotBytes { get; init; }

    /// <summary>Requests the snapshot's state keeps: in full, and remembered in short.</summary>
    public int? FullRequests { get; init; }

    public int? RememberedRequests { get; init; }
}

public sealed record PersistenceReport(IReadOnlyList<PersistRow> Writes, IReadOnlyList<RecoveryRow> Recovery, IReadOnlyList<string> Notes);

/// <summary>The shop's state in its latest snapshot: requests unfinished and finished in full, remembered in short, VMs, VM removals.</summary>
public sealed record ShopCounts(int Unfinished, int Finished, int Remembered, int Vms, int Removals)
{
    public int Requests => Unfinished + Finished;
}

/// <summary>All plants' latest snapshots, summed.</summary>
public sealed record PlantCounts(int Snapshots, int Vms, int RequestIds, int Removed, int Images, int LearnedCosts);

/// <summary>Bytes of the latest shop and plant snapshots, snapshot rows kept in the store, journal rows.</summary>
public sealed record SnapshotCounts(long ShopBytes, long PlantBytes, long Rows, long JournalRows);

public sealed record MemoryRow(
    int Target, int Cycles, double ElapsedSeconds, double CyclesPerSecond, int Failures, double RssMiB, double GcHeapMiB, double GcCommittedMiB,
    ShopCounts Shop, PlantCounts Plants, SnapshotCounts Snapshots, long DatabaseBytes)
{
    public RssParts? RssParts { get; init; }

    /// <summary>glibc malloc, all arenas: bytes in use, and free inside the arenas (see <see cref="MallocStats"/>).</summary>
    public double? MallocInUseMiB { get; init; }

    public double? MallocFreeMiB { get; init; }

    public int? Threads { get; init; }
}

/// <summary>RSS by kind, MiB: anonymous, file-backed, shared memory (the JIT's double-mapped code).</summary>
public sealed record RssParts(double AnonMiB, double FileMiB, double ShmemMiB);

/// <param name="RssRatio">RSS after the last checkpoint over RSS after the first.</param>
public sealed record MemoryReport(string Node, int Concurrency, IReadOnlyList<MemoryRow> Rows, double RssRatio, IReadOnlyList<string> Notes);

public sealed record TargetResult(string Target, string Goal, string Measured, bool? Met);
