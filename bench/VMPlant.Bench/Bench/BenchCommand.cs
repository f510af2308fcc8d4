using System.Collections.Immutable;
using System.CommandLine;
using System.Globalization;
using VMPlant.Actors.Domain;
using VMPlant.Host.Cli;

namespace VMPlant.Bench;

/// <summary>`bench`: measures VMPlant against baselines in one run and prints a table (or JSON with --json).</summary>
public static class BenchCommand
{
    public static Command Create()
    {
        var suites = new Argument<string[]>("suites")
        {
            Description = "Suites to run: workload, cache, matching, placement, throughput, cluster, persistence, or all (default: all); memory (minutes, not in all); or real alone (real guests: cached vs uncached creates)",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var seed = new Option<int>("--seed") { Description = "Workload seed", DefaultValueFactory = _ => 42 };
        var requests = new Option<int>("--requests") { Description = "Requests in the generated workload", DefaultValueFactory = _ => 2000 };
        var workload = new Option<string?>("--workload") { Description = "Replay this workload file (JSON) instead of generating one" };
        var saveWorkload = new Option<string?>("--save-workload") { Description = "Write the workload used to this file, to repeat the run exactly" };
        var plants = new Option<string>("--plants") { Description = "Plant counts for the placement suite", DefaultValueFactory = _ => "1,4,16,64,256" };
        var placementRequests = new Option<int>("--placement-requests") { Description = "Measured creates per plant count", DefaultValueFactory = _ => 200 };
        var throughputPlants = new Option<int>("--throughput-plants") { Description = "Plants in the throughput runs", DefaultValueFactory = _ => 16 };
        var concurrency = new Option<int>("--concurrency") { Description = "Requests in flight in the throughput runs", DefaultValueFactory = _ => 32 };
        var duration = new Option<double>("--duration") { Description = "Measured seconds per throughput run", DefaultValueFactory = _ => 12 };
        var warmup = new Option<double>("--warmup")
        {
            Description = "Unmeasured seconds of load before each throughput window (the JIT's tiers, caches and journals settle)",
            DefaultValueFactory = _ => 45,
        };
        var recoveryEvents = new Option<string>("--recovery-events", "--events")
        {
            Description = "Journal sizes for shop recovery, e.g. 10k,100k,1m", DefaultValueFactory = _ => "10k,100k",
        };
        var cycles = new Option<string>("--cycles") { Description = "Memory suite: create+destroy cycles after which memory is measured", DefaultValueFactory = _ => "1k,10k,100k" };
        var memoryConcurrency = new Option<int>("--memory-concurrency") { Description = "Memory suite: cycles in flight", DefaultValueFactory = _ => 128 };
        var memoryRetention = new Option<string>("--memory-retention")
        {
            Description = "Memory suite: shop retention windows, small (seconds, so the steady state comes early) or configured",
            DefaultValueFactory = _ => "small",
        };
        var postgres = new Option<string?>("--postgres") { Description = "PostgreSQL connection string for the persistence suite (default: $VMPLANT_TEST_POSTGRES)" };
        var via = new Option<string>("--via") { Description = "How requests reach the shop: proxy (in-process singleton proxy) or client (ClusterClient)", DefaultValueFactory = _ => "proxy" };
        var durable = new Option<string>("--test-node-durable") { Description = "on: plants save their fake host at every checkpoint (default); off: skip it", DefaultValueFactory = _ => "on" };
        var journal = new Option<string>("--journal")
        {
            Description = "Journal of the bench nodes: sqlite, or memory (diagnosis: the ceiling without durable writes)",
            DefaultValueFactory = _ => "sqlite",
        };
        var plot = new Option<string?>("--plot") { Description = "Write PNG and SVG charts to this directory" };
        var keep = new Option<bool>("--keep") { Description = "Keep the temporary data directory (journals, node files)" };
        var tiny = new Option<bool>("--tiny") { Description = "A run of a few seconds with tiny budgets (smoke test)" };

        var bench = new Command("bench", "Measure placement latency, throughput, matching cost and cache benefit against baselines")
        {
            suites, seed, requests, workload, saveWorkload, plants, placementRequests, throughputPlants, concurrency, duration,
            warmup, recoveryEvents, cycles, memoryConcurrency, memoryRetention, postgres, via, durable, journal, plot, keep, tiny,
        };
        bench.SetAction(async (parse, _) =>
        {
            // `bench real` boots real guests: its own run, never part of `all`.
            if (parse.GetValue(suites) is ["real"])
            {
                var output = Console.Out;
                Console.SetOut(Console.Error);
                try
                {
                    return await RealSuite.RunAsync(parse.GetValue(CommonOptions.Json), output);
                }
                finally
                {
                    Console.SetOut(output);
                }
            }
            BenchOptions options;
            try
            {
                var start = parse.GetValue(tiny) ? BenchOptions.Tiny : new BenchOptions();
                options = start with
                {
                    Suites = ParseSuites(parse.GetValue(suites) ?? []),
                    Seed = parse.GetValue(seed),
                    Requests = Explicit(parse, requests, start.Requests),
                    WorkloadFile = parse.GetValue(workload),
                    SaveWorkload = parse.GetValue(saveWorkload),
                    PlantCounts = Explicit(parse, plants) is { } p ? ParseCounts(p, "--plants") : start.PlantCounts,
                    PlacementRequests = Explicit(parse, placementRequests, start.PlacementRequests),
                    ThroughputPlants = Explicit(parse, throughputPlants, start.ThroughputPlants),
                    Concurrency = Explicit(parse, concurrency, start.Concurrency),
                    ThroughputDuration = parse.GetResult(duration) is null ? start.ThroughputDuration : TimeSpan.FromSeconds(parse.GetValue(duration)),
                    ThroughputWarmup = parse.GetResult(warmup) is null ? start.ThroughputWarmup : TimeSpan.FromSeconds(parse.GetValue(warmup)),
                    RecoveryEvents = Explicit(parse, recoveryEvents) is { } r ? ParseCounts(r, "--recovery-events") : start.RecoveryEvents,
                    MemoryCycles = Explicit(parse, cycles) is { } c ? ParseCounts(c, "--cycles") : start.MemoryCycles,
                    MemoryConcurrency = Explicit(parse, memoryConcurrency, start.MemoryConcurrency),
                    MemoryRetention = parse.GetValue(memoryRetention) is "small" or "configured"
                        ? parse.GetValue(memoryRetention)!
                        : throw new UsageException("--memory-retention must be small or configured"),
                    Postgres = parse.GetValue(postgres),
                    Via = parse.GetValue(via) is "proxy" or "client" ? parse.GetValue(via)! : throw new UsageException("--via must be proxy or client"),
                    TestNodeDurable = parse.GetValue(durable) switch
                    {
                        "on" => true,
                        "off" => false,
                        var v => throw new UsageException($"--test-node-durable must be on or off, not '{v}'"),
                    },
                    InMemoryJournal = parse.GetValue(journal) switch
                    {
                        "sqlite" => false,
                        "memory" => true,
                        var v => throw new UsageException($"--journal must be sqlite or memory, not '{v}'"),
                    },
                    Json = parse.GetValue(CommonOptions.Json),
                    PlotDirectory = parse.GetValue(plot),
                    ConfigFile = parse.GetValue(CommonOptions.Config),
                    Keep = parse.GetValue(keep),
                };
                Validate(options);
            }
            catch (UsageException e)
            {
                await Console.Error.WriteLineAsync($"error: {e.Message}");
                return ExitCodes.BadInput;
            }

            // Akka's standard-out logger must not mix with the table or the JSON: during the run, standard output goes to standard error.
            var stdout = Console.Out;
            BenchReport report;
            Console.SetOut(Console.Error);
            try
            {
                report = await BenchRunner.RunAsync(options, new BenchProgress(Console.Error), CommandLine(parse));
            }
            catch (SpecValidationException e)
            {
                // A workload file that cannot be used: nothing was measured.
                await Console.Error.WriteLineAsync($"error: {e.Message}");
                return ExitCodes.BadInput;
            }
            finally
            {
                Console.SetOut(stdout);
            }
            Console.WriteLine(options.Json ? report.ToJson() : BenchSummary.Render(report));
            return report.Errors.Count == 0 ? ExitCodes.Ok : ExitCodes.Refused;
        });
        return bench;
    }

    /// <summary>The command as typed, with the PostgreSQL connection string (which may hold a password) left out.</summary>
    private static string CommandLine(ParseResult parse)
    {
        var words = new List<string> { "vmplant" };
        var secret = false;
        foreach (var token in parse.Tokens.Select(t => t.Value))
        {
            words.Add(secret ? "…" : token.StartsWith("--postgres=", StringComparison.Ordinal) ? "--postgres=…" : token);
            secret = token == "--postgres";
        }
        return string.Join(' ', words);
    }

    private static T Explicit<T>(ParseResult parse, Option<T> option, T fallback) => parse.GetResult(option) is null ? fallback : parse.GetValue(option)!;

    private static string? Explicit(ParseResult parse, Option<string> option) => parse.GetResult(option) is null ? null : parse.GetValue(option);

    public static ImmutableArray<Suite> ParseSuites(IReadOnlyCollection<string> names)
    {
        if (names.Count == 0 || names.Contains("all")) return BenchOptions.DefaultSuites;
        var suites = new List<Suite> { Suite.Workload };
        foreach (var name in names)
        {
            if (!Enum.TryParse<Suite>(name, ignoreCase: true, out var suite) || !Enum.IsDefined(suite) || int.TryParse(name, out _))
                throw new UsageException($"unknown suite '{name}'; use {string.Join(", ", Enum.GetNames<Suite>().Select(n => n.ToLowerInvariant()))} or all");
            suites.Add(suite);
        }
        return [.. suites.Distinct()];
    }

    /// <summary>Positive whole numbers separated by commas, each optionally with a k (thousand) or m (million) suffix: "10k,100k,1m".</summary>
    public static ImmutableArray<int> ParseCounts(string text, string option)
    {
        var values = new List<int>();
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var (digits, scale) = char.ToLowerInvariant(part[^1]) switch
            {
                'k' => (part[..^1], 1_000L),
                'm' => (part[..^1], 1_000_000L),
                _ => (part, 1L),
            };
            if (!long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var number) || number < 1 || number * scale > int.MaxValue)
                throw new UsageException($"{option} expects positive whole numbers (10000, 10k, 1m) separated by commas, got '{part}'");
            values.Add((int)(number * scale));
        }
        if (values.Count == 0) throw new UsageException($"{option} needs at least one number");
        return [.. values];
    }

    private static void Validate(BenchOptions o)
    {
        if (o.Requests < 1) throw new UsageException("--requests must be at least 1");
        if (o.WorkloadFile is { } file && !File.Exists(file)) throw new UsageException($"workload file {file} does not exist");
        if (o.PlacementRequests < 1) throw new UsageException("--placement-requests must be at least 1");
        if (o.Concurrency is < 1 or > 1024) throw new UsageException("--concurrency must be 1..1024");
        if (o.ThroughputPlants is < 3 or > 256) throw new UsageException("--throughput-plants must be 3..256 (the cluster run spreads them over 3 processes)");
        if (o.PlantCounts.Any(p => p is < 1 or > 1024)) throw new UsageException("--plants: 1..1024 plants (64 per process)");
        if (o.ThroughputDuration <= TimeSpan.Zero || o.ThroughputDuration > TimeSpan.FromMinutes(10)) throw new UsageException("--duration must be within 0..600 seconds");
        if (o.ThroughputWarmup < TimeSpan.Zero || o.ThroughputWarmup > TimeSpan.FromMinutes(10)) throw new UsageException("--warmup must be within 0..600 seconds");
        if (o.RecoveryEvents.Any(e => e > 1_000_000)) throw new UsageException("--recovery-events: at most 1,000,000");
        if (o.MemoryCycles.Any(c => c > 1_000_000)) throw new UsageException("--cycles: at most 1,000,000");
        if (o.MemoryCycles.Zip(o.MemoryCycles.Skip(1)).Any(p => p.Item2 <= p.Item1)) throw new UsageException("--cycles must be ascending, e.g. 1k,10k,100k");
        if (o.MemoryConcurrency is < 1 or > 1024) throw new UsageException("--memory-concurrency must be 1..1024");
    }
}
