using VMPlant.Bench.Chaos;
using VMPlant.Host.Node;
using VMPlant.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace VMPlant.Tests.Failover;

/// <summary>
/// A node killed with SIGKILL on a host that stays up is downed because its cluster port refuses connections, not by
/// the failure detector: here the detector and the split brain resolver are set to wait minutes, so only the
/// refusal can explain the shop moving to another node within the test's patience.
/// </summary>
[Collection("failover")]
public sealed class CrashedMemberSpec(ITestOutputHelper output) : IDisposable
{
    /// <summary>Well below the silence the failure detector and the split brain resolver need here (pause + stable-after).</summary>
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(120);
    private const string SlowSilenceJudgement = """
        akka.cluster.failure-detector.acceptable-heartbeat-pause = 300s
        akka.cluster.split-brain-resolver.stable-after = 300s
        """;
    private readonly TempDirectory _data = new("vmplant-crashed-member");

    [Fact]
    public async Task A_killed_shop_node_is_downed_by_its_refused_port_and_another_node_takes_the_shop_over()
    {
        var ports = new[] { FreePort.Next(), FreePort.Next(), FreePort.Next() };
        var config = Path.Combine(_data.Path, "slow-detector.conf");
        await File.WriteAllTextAsync(config, SlowSilenceJudgement);
        var env = new Dictionary<string, string>
        {
            ["VMPLANT_SEED_NODES"] = $"akka.tcp://vmplant@127.0.0.1:{ports[0]}",
            ["VMPLANT_SHOP_CONNECTION_STRING"] = $"Data Source={Path.Combine(_data.Path, "shop.db")}",
            ["VMPLANT_SHOP_PERSISTENCE_PROVIDER"] = "SQLite.MS",
        };
        NodeProcess Start(string name, int port) => NodeProcess.Start(name, "127.0.0.1", port, ["shop"], Path.Combine(_data.Path, name),
            config, env, echo: line => output.Echo($"[{name}] {line}"));

        await using var oldest = Start("shop-1", ports[0]);
        await oldest.WaitListeningAsync(Patience);
        Assert.True(await NodeProcessWaits.Eventually(() => oldest.ShopMarks.Any(mark => mark.Started), Patience), "shop-1 did not start the shop");
        await using var second = Start("shop-2", ports[1]);
        await using var third = Start("shop-3", ports[2]);
        foreach (var node in new[] { second, third })
        {
            await node.WaitListeningAsync(Patience);
            Assert.True(await NodeProcessWaits.Eventually(() => node.LogLines().Any(l => l.Contains("state change [Start -> Younger]", StringComparison.Ordinal)), Patience),
                $"{node.Name} did not join as a younger shop node");
        }

        await oldest.KillAsync();

        NodeProcess[] survivors = [second, third];
        Assert.True(await NodeProcessWaits.Eventually(() => survivors.Any(node => node.ShopMarks.Any(mark => mark.Started)), Patience), "no other node took the shop over");
        Assert.Single(survivors, node => node.ShopMarks.Any(mark => mark.Started));
        var logs = survivors.SelectMany(node => node.LogLines()).ToList();
        Assert.Contains(logs, line => line.Contains($"@127.0.0.1:{ports[0]}", StringComparison.Ordinal) && line.Contains(RefusingMemberDowner.ProcessGone, StringComparison.Ordinal));
        Assert.DoesNotContain(logs, line => line.Contains("SBR took decision", StringComparison.Ordinal) && line.Contains("is downing [akka", StringComparison.Ordinal));
    }

    public void Dispose() => _data.Dispose();
}
