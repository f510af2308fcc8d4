using Akka.Configuration;
using VMPlant.Host.Configuration;
using VMPlant.Host.Node;
using VMPlant.Messages;

namespace VMPlant.Tests.Support;

/// <summary>A real VMPlant node started in the test process on a free loopback port, plus a client of it.</summary>
public sealed class InProcessNode : IAsyncDisposable
{
    private InProcessNode(VmPlantNode node, VmPlantClient client, Config config)
    {
        Node = node;
        Client = client;
        Config = config;
    }

    public VmPlantNode Node { get; }

    public VmPlantClient Client { get; }

    public Config Config { get; }

    /// <summary>Starts a node whose plants are given as HOCON, waits until every plant has registered with the shop.</summary>
    public static async Task<InProcessNode> StartAsync(string dataDir, string plantsHocon, int expectedPlants, string extraHocon = "")
    {
        var port = FreePort.Next();
        var edgePort = FreePort.Next();
        var configFile = Path.Combine(dataDir, "node.conf");
        await File.WriteAllTextAsync(configFile, $"""
            vmplant.node.port = {port}
            vmplant.node.data-dir = "{dataDir}"
            vmplant.edge.port = {edgePort}
            vmplant.client.contact-points = ["akka.tcp://vmplant-edge@127.0.0.1:{edgePort}/system/receptionist"]
            vmplant.shop.bid-timeout = 3s
            vmplant.http.port = 0
            akka.loglevel = WARNING
            {plantsHocon}
            {extraHocon}
            """);
        var config = NodeConfig.Load(configFile);
        var node = await VmPlantNode.StartAsync(config);
        var client = await VmPlantClient.ConnectAsync(config);
        var started = new InProcessNode(node, client, config);
        await started.WaitForPlantsAsync(expectedPlants, TimeSpan.FromSeconds(60));
        return started;
    }

    public async Task<T> AskAsync<T>(IVmPlantMessage request)
    {
        var answer = await Client.AskAsync(request);
        return answer is T typed ? typed : throw new InvalidOperationException($"expected {typeof(T).Name}, got {answer}");
    }

    private async Task WaitForPlantsAsync(int expected, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var answer = await Client.AskAsync(ListPlants.Instance, TimeSpan.FromSeconds(10));
            if (answer is PlantList list && list.Plants.Count(p => p.HypervisorUp) == expected) return;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"only {answer} after {timeout}");
            await Task.Delay(200);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Client.DisposeAsync();
        await Node.DisposeAsync();
    }
}
