using Akka.Actor;
using Akka.Cluster;
using VMPlant.Host.Node;
using VMPlant.Messages;

namespace VMPlant.Host.Http;

/// <summary>One readiness condition and what was seen.</summary>
public sealed record HealthCheck(string Name, bool Ok, string Detail);

public sealed record HealthReport(string Status, IReadOnlyList<HealthCheck> Checks)
{
    public bool Ok => Checks.All(c => c.Ok);
}

/// <summary>
/// Liveness and readiness of a node. Live: the actor system runs. Ready: the node is an Up cluster member, every local
/// plant has recovered and is connected to its hypervisor, and (on shop nodes) the shop singleton answers through
/// this node's proxy.
/// </summary>
public sealed class HealthProbes(VmPlantNode node, TimeSpan probeTimeout)
{
    /// <summary>A VM id no VM can have (VM ids are name-hash): the shop answers VmNotFound, a side-effect-free round trip.</summary>
    private const string ProbeVmId = "readiness-probe";

    public HealthReport Live()
    {
        var terminated = node.System.WhenTerminated.IsCompleted;
        return new HealthReport(terminated ? "dead" : "live",
            [new HealthCheck("actor-system", !terminated, terminated ? "terminated" : $"{node.System.Name} running")]);
    }

    public async Task<HealthReport> ReadyAsync()
    {
        var checks = new List<HealthCheck> { Cluster() };
        var probes = node.Plants.Select(PlantAsync).ToList();
        if (node.Settings.IsShop) probes.Add(ShopAsync());
        checks.AddRange(await Task.WhenAll(probes));
        var report = new HealthReport("", checks);
        return report with { Status = report.Ok ? "ready" : "not ready" };
    }

    private HealthCheck Cluster()
    {
        var self = Akka.Cluster.Cluster.Get(node.System).SelfMember;
        return new HealthCheck("cluster", self.Status == MemberStatus.Up, $"{self.Address} is {self.Status.ToString().ToLowerInvariant()}");
    }

    private async Task<HealthCheck> PlantAsync(string plantPath)
    {
        var name = plantPath[(plantPath.LastIndexOf('/') + 1)..];
        try
        {
            var status = await node.System.ActorSelection(plantPath).Ask<PlantStatus>(GetPlantStatus.Instance, probeTimeout);
            return new HealthCheck($"plant {status.Plant}", status.HypervisorUp,
                status.HypervisorUp ? $"connected to {status.HypervisorUri}" : $"not connected to {status.HypervisorUri}");
        }
        catch (Exception e) when (e is AskTimeoutException or TaskCanceledException)
        {
            return new HealthCheck(name, false, $"no answer within {probeTimeout.TotalSeconds:0.#} s (still recovering?)");
        }
    }

    private async Task<HealthCheck> ShopAsync()
    {
        try
        {
            await node.ShopProxy.Ask<object>(new ShowVm(ProbeVmId), probeTimeout);
            return new HealthCheck("shop", true, "the shop singleton answers through this node's proxy");
        }
        catch (Exception e) when (e is AskTimeoutException or TaskCanceledException)
        {
            return new HealthCheck("shop", false, $"the shop singleton did not answer within {probeTimeout.TotalSeconds:0.#} s");
        }
    }
}
