using System.Text.Json;
using VMPlant.Actors.Domain;
using VMPlant.Bench;
using VMPlant.Host.Cli;
using Xunit;

namespace VMPlant.Tests.Bench;

/// <summary>The bench end to end with tiny budgets: the structure of its JSON, never its timings.</summary>
public sealed class BenchRunSpec
{
    [Fact]
    public async Task A_tiny_run_reports_every_suite_in_its_json()
    {
        var options = BenchOptions.Tiny with
        {
            Suites = [Suite.Workload, Suite.Cache, Suite.Matching, Suite.Placement, Suite.Throughput, Suite.Persistence, Suite.Memory],
            PlantCounts = [2],
            PlacementRequests = 10,
            ThroughputPlants = 3,
            ThroughputDuration = TimeSpan.FromSeconds(1),
            Postgres = "",
        };

        var report = await BenchRunner.RunAsync(options, BenchProgress.Silent, "vmplant bench --tiny");
        var json = JsonDocument.Parse(report.ToJson()).RootElement;

        Assert.Equal(JsonValueKind.Array, json.GetProperty("errors").ValueKind);
        Assert.Empty(json.GetProperty("errors").EnumerateArray());
        Assert.Equal("vmplant-bench/1", json.GetProperty("format").GetString());
        Assert.True(json.GetProperty("machine").GetProperty("cores").GetInt32() > 0);
        Assert.Equal(200, json.GetProperty("workload").GetProperty("requests").GetInt32());

        var cache = json.GetProperty("cache");
        var rules = cache.GetProperty("rows").EnumerateArray().ToList();
        Assert.Equal(7, rules.Count);
        Assert.Contains(rules, r => r.GetProperty("name").GetString() == "no cache" && r.GetProperty("vsNoCache").GetDouble() == 1);
        // The headline row is what plants do: partial-graph match, auction and core images; one other row turns cores off.
        Assert.Single(rules, r => r.GetProperty("reuse").GetString() == "PartialGraph" && r.GetProperty("placement").GetString() == "Auction"
            && r.GetProperty("coreImages").GetBoolean());
        Assert.Single(rules, r => r.GetProperty("reuse").GetString() == "PartialGraph" && r.GetProperty("placement").GetString() == "Auction"
            && !r.GetProperty("coreImages").GetBoolean());
        Assert.All(rules, r => Assert.True(r.GetProperty("performedWorkHours").GetDouble() >= 0));
        Assert.Equal(CacheSuite.SweepSizes.Length, cache.GetProperty("sweep").GetArrayLength());
        Assert.All(cache.GetProperty("sweep").EnumerateArray(), p =>
        {
            Assert.True(p.GetProperty("maxImages").GetInt32() > 0);
            Assert.Equal(JsonValueKind.Number, p.GetProperty("vmPlant").ValueKind);
            Assert.Equal(JsonValueKind.Number, p.GetProperty("exactPrefix").ValueKind);
            Assert.Equal(JsonValueKind.Number, p.GetProperty("wholeImage").ValueKind);
        });

        var matching = json.GetProperty("matching").GetProperty("rows").EnumerateArray().ToList();
        Assert.Equal(2, matching.Count);
        Assert.All(matching, r => Assert.True(r.GetProperty("findBestMicroseconds").GetDouble() > 0));

        var placement = Assert.Single(json.GetProperty("placement").GetProperty("rows").EnumerateArray());
        Assert.Equal(2, placement.GetProperty("plants").GetInt32());
        Assert.Equal(10, placement.GetProperty("requests").GetInt32());
        Assert.Equal(10, placement.GetProperty("placementMs").GetProperty("count").GetInt32());
        foreach (var field in new[] { "p50", "p95", "p99", "mean", "max" })
            Assert.Equal(JsonValueKind.Number, placement.GetProperty("createMs").GetProperty(field).ValueKind);
        Assert.Contains(placement.GetProperty("phases").EnumerateArray(), p => p.GetProperty("phase").GetString()!.StartsWith("bidding", StringComparison.Ordinal));

        var throughput = Assert.Single(json.GetProperty("throughput").GetProperty("rows").EnumerateArray());
        Assert.Equal("1 node", throughput.GetProperty("topology").GetString());
        Assert.Equal(3, throughput.GetProperty("plants").GetInt32());
        Assert.Equal(JsonValueKind.Number, throughput.GetProperty("createsPerSecond").ValueKind);
        Assert.Equal(0, throughput.GetProperty("failures").GetInt32());

        var persistence = json.GetProperty("persistence");
        Assert.Equal(2, persistence.GetProperty("writes").GetArrayLength());
        var recovery = persistence.GetProperty("recovery").EnumerateArray().ToList();
        Assert.Equal([false, true], recovery.Select(r => r.GetProperty("snapshot").GetBoolean()));
        Assert.All(recovery, r => Assert.Equal(1_000, r.GetProperty("events").GetInt32()));
        Assert.True(recovery[1].GetProperty("snapshotBytes").GetInt64() > 0);

        var memory = json.GetProperty("memory");
        var checkpoints = memory.GetProperty("rows").EnumerateArray().ToList();
        Assert.Equal([50, 100], checkpoints.Select(r => r.GetProperty("target").GetInt32()));
        Assert.All(checkpoints, r => Assert.True(r.GetProperty("rssMiB").GetDouble() > 0 && r.GetProperty("gcHeapMiB").GetDouble() > 0));
        Assert.True(checkpoints[1].GetProperty("cycles").GetInt32() > checkpoints[0].GetProperty("cycles").GetInt32());
        Assert.Equal(JsonValueKind.Number, memory.GetProperty("rssRatio").ValueKind);

        var targets = json.GetProperty("targets").EnumerateArray().ToList();
        Assert.Equal(6, targets.Count);
        Assert.All(targets, t => Assert.False(string.IsNullOrEmpty(t.GetProperty("goal").GetString())));
        Assert.False(string.IsNullOrWhiteSpace(BenchSummary.Render(report)));
    }

    [Theory]
    [InlineData(new string[0], 7)]
    [InlineData(new[] { "all" }, 7)]
    [InlineData(new[] { "persistence" }, 2)]
    [InlineData(new[] { "cache", "Matching", "cache" }, 3)]
    public void Suites_are_named_on_the_command_line(string[] names, int expected)
    {
        var suites = BenchCommand.ParseSuites(names);

        Assert.Equal(expected, suites.Length);
        Assert.Equal(Suite.Workload, suites[0]);
    }

    [Theory]
    [InlineData("bogus")]
    [InlineData("3")]
    public void An_unknown_suite_is_refused(string name)
    {
        var error = Assert.Throws<UsageException>(() => BenchCommand.ParseSuites([name]));

        Assert.Contains("unknown suite", error.Message);
    }

    [Theory]
    [InlineData("10k,100k,1m", new[] { 10_000, 100_000, 1_000_000 })]
    [InlineData("2000, 5K", new[] { 2_000, 5_000 })]
    [InlineData("1M", new[] { 1_000_000 })]
    public void Counts_take_k_and_m_suffixes(string text, int[] expected)
    {
        Assert.Equal(expected, BenchCommand.ParseCounts(text, "--events"));
    }

    [Theory]
    [InlineData("0")]
    [InlineData("k")]
    [InlineData("-5")]
    [InlineData("1.5m")]
    [InlineData("10x")]
    [InlineData("3000m")]
    [InlineData(",")]
    public void Bad_counts_are_refused_naming_the_option(string text)
    {
        var error = Assert.Throws<UsageException>(() => BenchCommand.ParseCounts(text, "--cycles"));

        Assert.Contains("--cycles", error.Message);
    }

    [Fact]
    public void The_persistence_history_levels_off_where_the_retention_windows_fill()
    {
        // A request a second: an hour of full records (under the 10,000 cap), then the rest of a day remembered in short.
        Assert.Equal((3_600L, 82_800L, 345_600L), PersistenceSuite.SteadyState(ShopRetention.Default));
        Assert.Equal((100L, 900L, 4_000L), PersistenceSuite.SteadyState(new ShopRetention(TimeSpan.FromHours(1), 100, TimeSpan.FromDays(1), 900, TimeSpan.FromHours(1))));
    }

    [Fact]
    public void Plants_are_split_evenly_over_the_cluster_processes()
    {
        Assert.Equal([6, 5, 5], ThroughputSuite.Split(16, 3));
        Assert.Equal([1, 1, 1], ThroughputSuite.Split(3, 3));
    }
}
