using System.Net;
using System.Text.Json;
using VMPlant.Bench.Chaos;
using VMPlant.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace VMPlant.Tests.Http;

/// <summary>
/// /health/live and /health/ready on real node processes: a plant node whose seed is not up yet is live but not ready
/// (it has not joined); once the seed (a shop node) starts, both become ready. A plant that cannot reach its
/// hypervisor keeps its node not ready, naming the plant.
/// </summary>
[Collection("failover")]
public sealed class HealthEndpointSpec(ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);
    private readonly TempDirectory _data = new();

    [Fact]
    public async Task Readiness_turns_true_once_the_node_has_joined_and_its_plants_are_connected()
    {
        var seedPort = FreePort.Next();
        var seed = $"akka.tcp://vmplant@127.0.0.1:{seedPort}";
        await using var plantNode = NodeProcess.Start("plant-node", "127.0.0.1", FreePort.Next(), ["plant"], Path.Combine(_data.Path, "plant-node"),
            configFile: null, new Dictionary<string, string> { ["VMPLANT_SEED_NODES"] = seed, ["VMPLANT_PLANTS"] = "p1" },
            echo: line => output.Echo($"[plant-node] {line}"));
        await plantNode.WaitListeningAsync(Patience);
        using var plantHttp = new HttpProbe(plantNode.HttpUrl ?? throw new InvalidOperationException("the node printed no HTTP URL"));

        await plantHttp.WaitForAsync("/health/live", HttpStatusCode.OK, Patience);
        // Its plant connects at once, but its only seed is not running: no cluster to join yet.
        var notReady = await plantHttp.WaitForAsync("/health/ready", HttpStatusCode.ServiceUnavailable, Patience);
        Assert.Equal("not ready", notReady.GetProperty("status").GetString());
        Assert.False(Check(notReady, "cluster").GetProperty("ok").GetBoolean());

        await using var shopNode = NodeProcess.Start("shop-node", "127.0.0.1", seedPort, ["shop"], Path.Combine(_data.Path, "shop-node"),
            configFile: null, new Dictionary<string, string> { ["VMPLANT_SEED_NODES"] = seed },
            echo: line => output.Echo($"[shop-node] {line}"));
        await shopNode.WaitListeningAsync(Patience);
        using var shopHttp = new HttpProbe(shopNode.HttpUrl!);

        var ready = await plantHttp.WaitForAsync("/health/ready", HttpStatusCode.OK, Patience);
        Assert.True(Check(ready, "cluster").GetProperty("ok").GetBoolean());
        Assert.True(Check(ready, "plant p1").GetProperty("ok").GetBoolean());
        var shopReady = await shopHttp.WaitForAsync("/health/ready", HttpStatusCode.OK, Patience);
        Assert.True(Check(shopReady, "shop").GetProperty("ok").GetBoolean());
    }

    [Fact]
    public async Task A_plant_without_its_hypervisor_keeps_the_node_not_ready()
    {
        var missingHost = Path.Combine(_data.Path, "no-such-host.xml");
        await using var node = await InProcessNode.StartAsync(_data.Path, $$"""
            vmplant.plants = [ { name = good }, { name = broken, uri = "test://{{missingHost}}" } ]
            """, expectedPlants: 1);
        using var http = new HttpProbe(node.Node.Http!.Url);

        var (liveStatus, _) = await http.GetJsonAsync("/health/live");
        Assert.Equal(HttpStatusCode.OK, liveStatus);
        var report = await http.WaitForAsync("/health/ready", HttpStatusCode.ServiceUnavailable, Patience);
        Assert.True(Check(report, "cluster").GetProperty("ok").GetBoolean());
        Assert.True(Check(report, "plant good").GetProperty("ok").GetBoolean());
        Assert.True(Check(report, "shop").GetProperty("ok").GetBoolean());
        var broken = Check(report, "plant broken");
        Assert.False(broken.GetProperty("ok").GetBoolean());
        Assert.Contains("not connected", broken.GetProperty("detail").GetString());
    }

    private static JsonElement Check(JsonElement report, string name) =>
        report.GetProperty("checks").EnumerateArray().Single(c => c.GetProperty("name").GetString() == name);

    public void Dispose() => _data.Dispose();
}
