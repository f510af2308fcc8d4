using VMPlant.Bench.Chaos;
using VMPlant.Host.Cli;
using VMPlant.Host.Node;
using VMPlant.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace VMPlant.Tests.Failover;

/// <summary>
/// A plant node left as the last member of a cluster without a shop node (its only shop node died, and keep-majority
/// kept the plant's side) leaves that island and exits with <see cref="ExitCodes.Removed"/>, so that a supervisor
/// restarts it into the cluster its seeds form, instead of staying Up and useless forever.
/// </summary>
[Collection("failover")]
public sealed class IslandGuardSpec(ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(120);
    private readonly TempDirectory _data = new("vmplant-island");

    [Fact]
    public async Task A_plant_node_stranded_without_a_shop_node_leaves_and_exits_to_be_restarted()
    {
        // keep-majority keeps the side with the lowest address when both sides are one node: give the plant the lower port.
        var (low, high) = (FreePort.Next(), FreePort.Next()) is var (a, b) && a < b ? (a, b) : (b, a);
        var config = Path.Combine(_data.Path, "island.conf");
        await File.WriteAllTextAsync(config, """
            vmplant.node.island-timeout = 3s
            vmplant.plants = [ { name = lone, test-node { cpus = 4, memory-mib = 8192, pool-gib = 40 } } ]
            """);
        var env = new Dictionary<string, string> { ["VMPLANT_SEED_NODES"] = $"akka.tcp://vmplant@127.0.0.1:{high}" };
        NodeProcess Start(string name, int port, string role) => NodeProcess.Start(name, "127.0.0.1", port, [role], Path.Combine(_data.Path, name),
            config, env, echo: line => output.Echo($"[{name}] {line}"));

        await using var shop = Start("shop", high, "shop");
        await shop.WaitListeningAsync(Patience);
        await using var plant = Start("plant", low, "plant");
        await plant.WaitListeningAsync(Patience);
        Assert.True(await NodeProcessWaits.Eventually(() => shop.LogLines().Any(l => l.Contains("registered (", StringComparison.Ordinal)), Patience), "the plant never registered with the shop");

        await shop.KillAsync();

        Assert.True(await plant.WaitForExitAsync(Patience), "the stranded plant node is still running");
        Assert.Equal(ExitCodes.Removed, plant.ExitCode);
        Assert.Contains(plant.LogLines(), line => line.Contains("this node is stranded in a cluster without a shop", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(true, false, 130, true)]    // Up, no shop for longer than the patience
    [InlineData(true, false, 60, false)]    // not yet long enough
    [InlineData(true, true, 130, false)]    // a shop is reachable
    [InlineData(false, false, 130, false)]  // still joining: looking for its cluster, not stranded
    public void Only_an_Up_member_without_a_shop_for_the_whole_patience_is_stranded(bool selfUp, bool shopReachable, int secondsWithoutShop, bool stranded)
    {
        var now = new DateTime(2026, 12, 2, 12, 0, 0, DateTimeKind.Utc);
        Assert.Equal(stranded, IslandGuard.IsStranded(selfUp, shopReachable, now.AddSeconds(-secondsWithoutShop), now, TimeSpan.FromSeconds(120)));
    }

    public void Dispose() => _data.Dispose();
}
