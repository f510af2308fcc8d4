using VMPlant.Bench.Chaos;
using VMPlant.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace VMPlant.Tests.Deployment;

/// <summary>
/// docker-compose.yml run for real: PostgreSQL, two shop and three plant containers from the offline images, as a
/// compose project of the test's own, healthy only when ready; then the container failover drill (the chaos
/// harness): docker kill of the singleton's container, docker pause of a plant, network disconnect of the node
/// holding the singleton, while requests stream in. Everything the drill started is removed (images stay).
/// </summary>
[Collection("failover")]
public sealed class ComposeDrillSpec(ITestOutputHelper output)
{
    [DockerFact]
    public async Task The_compose_grid_survives_a_killed_singleton_a_hung_plant_and_a_disconnected_node_losing_nothing()
    {
        var compose = Path.Combine(RepoPaths.Root, "docker-compose.yml");
        // Each fault 3 s after the stream's first answers, and 3 s of requests after the last recovery.
        await using var runner = new ChaosRunner(new ChaosOptions(ChaosScenario.Containers, ComposeFile: compose, ComposeEnvFile: DockerFactAttribute.EnvFile,
                FaultAfter: TimeSpan.FromSeconds(3), RunAfterFault: TimeSpan.FromSeconds(3)),
            line => output.WriteLine($"… {line}"));
        var report = await runner.RunAsync();
        output.WriteLine(report.Render());
        if (!report.Passed) output.WriteLine($"container logs: {runner.WorkDir}");
        Assert.Empty(report.Problems);
        Assert.Equal(0, report.Lost);
        Assert.Equal(0, report.Duplicated);
        Assert.Equal(0, report.CapacityLeaks);
        Assert.Equal(0, report.ConcurrentShops);
        Assert.True(report.Sent > 0);
        Assert.Equal(report.Sent, report.Completed);
        Assert.NotNull(report.RecoverySeconds);
        Assert.InRange(report.RecoverySeconds!.Value, 0, 90);
        Assert.Contains(report.Timeline, e => e.Event.StartsWith("docker kill", StringComparison.Ordinal));
        Assert.Contains(report.Timeline, e => e.Event.StartsWith("docker pause", StringComparison.Ordinal));
        Assert.Contains(report.Timeline, e => e.Event.Contains("downed itself", StringComparison.Ordinal));
    }
}

/// <summary>A fact skipped, with the reason on one line, only when Docker cannot run containers here or the offline images are not built.</summary>
public sealed class DockerFactAttribute : FactAttribute
{
    /// <summary>The offline images' compose variables: test.sh's (VMPLANT_TEST_COMPOSE_ENV), else .build/docker/offline.env.</summary>
    public static string? EnvFile =>
        Environment.GetEnvironmentVariable("VMPLANT_TEST_COMPOSE_ENV") is { Length: > 0 } env ? env
            : ComposeFiles.OfflineEnv(Path.Combine(RepoPaths.Root, "docker-compose.yml"));

    public DockerFactAttribute()
    {
        if (Environment.GetEnvironmentVariable("VMPLANT_TEST_DOCKER_UNAVAILABLE") is { Length: > 0 } why)
            Skip = $"compose drill needs Docker: {why}";
        else if (EnvFile is null)
            Skip = "compose drill needs the offline images: run deploy/docker/offline-images.sh (test.sh does)";
        else if (ComposeGrid.UnavailableReasonAsync(EnvFile).GetAwaiter().GetResult() is { } reason)
            Skip = $"compose drill: {reason}";
    }
}
