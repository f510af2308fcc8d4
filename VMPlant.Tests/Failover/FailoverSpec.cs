using VMPlant.Bench.Chaos;
using VMPlant.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace VMPlant.Tests.Failover;

/// <summary>
/// Failover drills on real, separate VMPlant processes on loopback (the same harness as `vmplant chaos`): each
/// asserts on outcomes — every acknowledged request completed exactly once, none lost, no VM built twice, no
/// capacity leaked — and prints the drill's report (timeline, time to recover). The shop journal is PostgreSQL
/// when the test command provides it, else a SQLite file shared by the shop nodes.
/// </summary>
[Collection("failover")]
public sealed class FailoverSpec(ITestOutputHelper output)
{
    private async Task<ChaosReport> DrillAsync(ChaosScenario scenario, int shops, int plants)
    {
        // The partition drill's nodes live in network namespaces and cannot reach a PostgreSQL on loopback: shared SQLite file.
        var shopJournal = scenario != ChaosScenario.Partition && TestDatabases.PostgresAvailable ? await TestDatabases.CreatePostgresDatabaseAsync() : null;
        // The stream runs 2 s before the fault (after its first answers) and 3 s after recovery: enough to hit requests
        // mid-flight and to show the cluster serving again (the CLI's drills run longer).
        await using var runner = new ChaosRunner(new ChaosOptions(scenario, shops, plants, ShopConnectionString: shopJournal,
                FaultAfter: TimeSpan.FromSeconds(2), RunAfterFault: TimeSpan.FromSeconds(3)),
            line => output.WriteLine($"… {line}"));
        var report = await runner.RunAsync();
        output.WriteLine(report.Render());
        if (!report.Passed) output.WriteLine($"node logs: {runner.WorkDir}");
        Assert.Empty(report.Problems);
        Assert.Equal(0, report.Lost);
        Assert.Equal(0, report.Duplicated);
        Assert.Equal(0, report.CapacityLeaks);
        Assert.True(report.Sent > 0);
        Assert.Equal(report.Sent, report.Completed + report.Failed);
        return report;
    }

    [Fact]
    public async Task Kill_9_of_the_singleton_node_mid_stream_moves_the_shop_and_loses_nothing()
    {
        var report = await DrillAsync(ChaosScenario.KillShop, shops: 2, plants: 3);
        Assert.Equal(report.Sent, report.Completed);
        Assert.Equal(0, report.ConcurrentShops);
        Assert.NotNull(report.RecoverySeconds);
        Assert.InRange(report.RecoverySeconds!.Value, 0, 60);
    }

    [Fact]
    public async Task Kill_9_of_a_plant_mid_create_rebids_on_the_survivors_without_leaking_capacity()
    {
        var report = await DrillAsync(ChaosScenario.KillPlant, shops: 1, plants: 2);
        Assert.Equal(report.Sent, report.Completed);
    }

    [Fact]
    public async Task Graceful_leave_of_the_singleton_node_hands_over_without_client_errors()
    {
        var report = await DrillAsync(ChaosScenario.LeaveShop, shops: 2, plants: 2);
        Assert.Equal(0, report.ConcurrentShops);
        Assert.Equal(0, report.ClientErrors);
        Assert.Equal(report.Sent, report.Acknowledged);
        Assert.Equal(report.Sent, report.Completed);
    }

    [NetnsFact]
    public async Task Partition_cuts_off_the_singleton_node_the_minority_downs_itself_and_two_shops_never_run_at_once()
    {
        var report = await DrillAsync(ChaosScenario.Partition, shops: 3, plants: 3);
        Assert.Equal(0, report.ConcurrentShops);
        Assert.Equal(report.Sent, report.Completed);
        Assert.NotNull(report.RecoverySeconds);
        Assert.InRange(report.RecoverySeconds!.Value, 0, 40);
        Assert.Contains(report.Timeline, e => e.Event.Contains("downed itself", StringComparison.Ordinal));
    }
}

/// <summary>A fact that is skipped, with the reason, only when network namespaces cannot be created on this machine.</summary>
public sealed class NetnsFactAttribute : FactAttribute
{
    public NetnsFactAttribute()
    {
        if (PartitionDrill.UnavailableReasonAsync().GetAwaiter().GetResult() is { } reason)
            Skip = $"partition drill needs `ip netns` (root): {reason}";
    }
}
