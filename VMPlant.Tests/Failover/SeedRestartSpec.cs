using System.Globalization;
using VMPlant.Bench.Chaos;
using VMPlant.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace VMPlant.Tests.Failover;

/// <summary>
/// The head of the seed list, restarted while the other seed holds the shop but answers slowly (frozen with SIGSTOP
/// past Akka's 5 s founding timeout), joins the cluster that seed still forms instead of founding a second one with
/// a second shop: the split brain the compose drill met when shop-1 came back on a busy machine.
/// </summary>
[Collection("failover")]
public sealed class SeedRestartSpec(ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(120);
    /// <summary>Akka's own founding timeout (seed-node-timeout) is 5 s; the other seed stays silent three times that.</summary>
    private static readonly TimeSpan Silence = TimeSpan.FromSeconds(15);
    private readonly TempDirectory _data = new("vmplant-seed-restart");

    [Fact]
    public async Task A_restarted_first_seed_waits_for_a_slow_seed_and_joins_its_cluster_instead_of_founding_another()
    {
        // Two members: when shop-1 dies, keep-majority keeps the side holding the lowest address, so shop-2 gets the lower port.
        var (low, high) = (FreePort.Next(), FreePort.Next()) is var (a, b) && a < b ? (a, b) : (b, a);
        var ports = (First: high, Second: low);
        var env = new Dictionary<string, string>
        {
            ["VMPLANT_SEED_NODES"] = $"akka.tcp://vmplant@127.0.0.1:{ports.First},akka.tcp://vmplant@127.0.0.1:{ports.Second}",
            ["VMPLANT_SHOP_CONNECTION_STRING"] = $"Data Source={Path.Combine(_data.Path, "shop.db")}",
            ["VMPLANT_SHOP_PERSISTENCE_PROVIDER"] = "SQLite.MS",
        };
        NodeProcess Start(string name, int port) => NodeProcess.Start(name, "127.0.0.1", port, ["shop"], Path.Combine(_data.Path, name),
            configFile: null, env, echo: line => output.Echo($"[{name}] {line}"));

        await using var first = Start("shop-1", ports.First);
        await using var second = Start("shop-2", ports.Second);
        await first.WaitListeningAsync(Patience);
        await second.WaitListeningAsync(Patience);
        // Up, not just welcomed (its singleton manager starts on its own MemberUp): a joining node cannot take over.
        Assert.True(await NodeProcessWaits.Eventually(() => JoinedVia(second, ports.First) && second.LogLines().Any(l => l.Contains("state change [Start -> Younger]", StringComparison.Ordinal)), Patience),
            "shop-2 did not join shop-1's cluster");

        await first.KillAsync();
        Assert.True(await NodeProcessWaits.Eventually(() => second.ShopMarks.Any(mark => mark.Started), Patience), "shop-2 did not take the shop over");

        await second.SignalAsync("STOP");
        try
        {
            await using var restarted = Start("shop-1-again", ports.First);
            await restarted.WaitListeningAsync(Patience);
            var joinStarted = ClusterStartedAt(restarted);
            await Task.Delay(joinStarted + Silence - DateTime.UtcNow is { Ticks: > 0 } left ? left : TimeSpan.Zero);
            Assert.False(FoundedItself(restarted), "shop-1 founded a cluster of its own while shop-2 was silent");

            await second.SignalAsync("CONT");
            Assert.True(await NodeProcessWaits.Eventually(() => JoinedVia(restarted, ports.Second) || FoundedItself(restarted), Patience), "shop-1 joined nothing");
            Assert.False(FoundedItself(restarted), "shop-1 founded a cluster of its own");
            Assert.True(JoinedVia(restarted, ports.Second));
            Assert.DoesNotContain(restarted.ShopMarks, mark => mark.Started);
        }
        finally
        {
            await second.SignalAsync("CONT");
        }
    }

    private static bool JoinedVia(NodeProcess node, int seedPort) =>
        node.LogLines().Any(line => line.Contains("Welcome from [", StringComparison.Ordinal) && line.Contains($"@127.0.0.1:{seedPort}]", StringComparison.Ordinal));

    private static bool FoundedItself(NodeProcess node) =>
        node.LogLines().Any(line => line.Contains("is JOINING itself", StringComparison.Ordinal) && line.Contains("akka://vmplant)", StringComparison.Ordinal));

    /// <summary>When the node's cluster (not its clients' edge) started: its join attempt starts then.</summary>
    private static DateTime ClusterStartedAt(NodeProcess node)
    {
        var line = node.LogLines().First(l => l.Contains("[Cluster (akka://vmplant)]", StringComparison.Ordinal) && l.Contains("Started up successfully", StringComparison.Ordinal));
        var stamp = line.Split(']')[1].TrimStart('[');
        return DateTime.ParseExact(stamp, "MM/dd/yyyy HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal);
    }

    public void Dispose() => _data.Dispose();
}
