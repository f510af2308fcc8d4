using System.Collections.Immutable;

namespace VMPlant.Bench;

public enum Suite
{
    /// <summary>Generate (or load) the workload, print its shape, optionally save it.</summary>
    Workload,
    /// <summary>Cache benefit and placement vs baselines, simulated on the workload with the real domain code.</summary>
    Cache,
    /// <summary>ImageIndex.FindBest cost per bid vs cache and DAG size (Stopwatch; BenchmarkDotNet has the full grid).</summary>
    Matching,
    /// <summary>Placement and end-to-end create latency with 1, 4, 16, 64, 256 plants (64 per process).</summary>
    Placement,
    /// <summary>Sustained creates/s and destroys/s at a fixed concurrency on one node, with where the time goes.</summary>
    Throughput,
    /// <summary>The same on a 3-process cluster on loopback.</summary>
    Cluster,
    /// <summary>Shop recovery time with and without snapshots; journal write throughput.</summary>
    Persistence,
    /// <summary>Process memory (RSS, GC heap) and kept state after 1k, 10k, 100k create+destroy cycles on one node (minutes: not in `all`).</summary>
    Memory,
}

/// <summary>Everything a bench run was asked to do; recorded in the JSON report.</summary>
public sealed record BenchOptions
{
    public static readonly ImmutableArray<Suite> DefaultSuites =
        [Suite.Workload, Suite.Cache, Suite.Matching, Suite.Placement, Suite.Throughput, Suite.Cluster, Suite.Persistence];

    public ImmutableArray<Suite> Suites { get; init; } = DefaultSuites;

    public int Seed { get; init; } = 42;

    /// <summary>Requests generated for the workload (ignored with <see cref="WorkloadFile"/>).</summary>
    public int Requests { get; init; } = 2000;

    public string? WorkloadFile { get; init; }

    public string? SaveWorkload { get; init; }

    /// <summary>(images, actions) scenarios timed by the matching suite.</summary>
    public ImmutableArray<(int Images, int Actions)> MatchingScenarios { get; init; } = [.. MatchingSuite.DefaultScenarios];

    /// <summary>Time spent measuring each matching scenario.</summary>
    public TimeSpan MatchingWindow { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Plants per placement run.</summary>
    public ImmutableArray<int> PlantCounts { get; init; } = [1, 4, 16, 64, 256];

    /// <summary>Plants per process in the placement suite; more plants are spread over plant-only processes on loopback.</summary>
    public int PlantsPerProcess { get; init; } = 64;

    /// <summary>Measured creates per placement run (after warm-up).</summary>
    public int PlacementRequests { get; init; } = 200;

    public int WarmupRequests { get; init; } = 40;

    /// <summary>Plants on the throughput node (split over the processes in the cluster run).</summary>
    public int ThroughputPlants { get; init; } = 16;

    public int Concurrency { get; init; } = 32;

    public TimeSpan ThroughputDuration { get; init; } = TimeSpan.FromSeconds(12);

    /// <summary>
    /// Unmeasured load before each throughput window: tiered compilation needs about 45 s of load on 2 cores to settle
    /// (with 2 s the window measured the JIT: 80–90 creates/s against 160–185 once settled).
    /// </summary>
    public TimeSpan ThroughputWarmup { get; init; } = TimeSpan.FromSeconds(45);

    /// <summary>Journal sizes whose shop recovery is timed.</summary>
    public ImmutableArray<int> RecoveryEvents { get; init; } = [10_000, 100_000];

    /// <summary>Cycle counts (create + destroy) after which the memory suite measures the process, ascending.</summary>
    public ImmutableArray<int> MemoryCycles { get; init; } = [1_000, 10_000, 100_000];

    /// <summary>Create+destroy cycles in flight in the memory suite (more than the throughput runs: it only needs many cycles fast).</summary>
    public int MemoryConcurrency { get; init; } = 128;

    /// <summary>Plants on the memory suite's node.</summary>
    public int MemoryPlants { get; init; } = 16;

    /// <summary>The memory suite's shop retention: "small" (windows of seconds, so the steady state comes early) or "configured" (as the config says).</summary>
    public string MemoryRetention { get; init; } = "small";

    /// <summary>Events journaled one at a time (the shop's pattern) to time sequential persists.</summary>
    public int PersistSequentialEvents { get; init; } = 2_000;

    /// <summary>Events journaled with PersistAll in batches of 100.</summary>
    public int PersistBatchedEvents { get; init; } = 20_000;

    /// <summary>PostgreSQL connection string for the persistence suite (besides SQLite); from VMPLANT_TEST_POSTGRES by default.</summary>
    public string? Postgres { get; init; }

    /// <summary>How requests reach the shop: "proxy" (Ask the singleton proxy in-process) or "client" (ClusterClient via the receptionist).</summary>
    public string Via { get; init; } = "proxy";

    /// <summary>Journal the bench nodes in memory instead of SQLite (diagnosis: the ceiling without durable writes).</summary>
    public bool InMemoryJournal { get; init; }

    /// <summary>Write the test-driver host's node file at every checkpoint (crash-consistent fake host) or not.</summary>
    public bool TestNodeDurable { get; init; } = true;

    public bool Json { get; init; }

    public string? PlotDirectory { get; init; }

    /// <summary>HOCON merged over the defaults before the bench's own settings (e.g. a PostgreSQL journal).</summary>
    public string? ConfigFile { get; init; }

    /// <summary>Keep the temporary data directory (journals, node files) for inspection.</summary>
    public bool Keep { get; init; }

    /// <summary>A very small run (seconds) for smoke tests: few requests, short windows, small journals.</summary>
    public static BenchOptions Tiny => new()
    {
        Requests = 200,
        MatchingScenarios = [(10, 5), (100, 50)],
        MatchingWindow = TimeSpan.FromMilliseconds(50),
        PlantCounts = [1, 4],
        PlacementRequests = 20,
        WarmupRequests = 5,
        ThroughputPlants = 4,
        Concurrency = 4,
        ThroughputDuration = TimeSpan.FromSeconds(2),
        ThroughputWarmup = TimeSpan.FromSeconds(0.5),
        RecoveryEvents = [1_000],
        MemoryCycles = [50, 100],
        MemoryConcurrency = 8,
        MemoryPlants = 3,
        PersistSequentialEvents = 200,
        PersistBatchedEvents = 2_000,
    };
}
