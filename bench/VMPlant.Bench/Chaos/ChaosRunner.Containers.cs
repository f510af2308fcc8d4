using VMPlant.Host.Node;
using VMPlant.Messages;

namespace VMPlant.Bench.Chaos;

public sealed partial class ChaosRunner
{
    /// <summary>
    /// The container drill, run from inside the client container's network namespace (see <see cref="ContainerDrill"/>)
    /// against the compose grid: while requests stream in, (1) docker kill of the container holding the shop
    /// singleton (a power cut; its restart policy or the drill starts it again), (2) docker pause of a plant's
    /// container (a hung host, not a dead one: it is downed, its work re-bid, and after unpausing it finds itself
    /// downed, exits and is restarted), (3) docker network disconnect of the container now holding the singleton
    /// (it downs itself as the minority; reconnected, it rejoins). Before each next fault the grid is whole again.
    /// </summary>
    private async Task ContainersInsideAsync(string project)
    {
        var since = DateTime.UtcNow;
        var grid = new ComposeGrid(project, [], null, "");
        await using var deaths = grid.WatchDeaths();
        var clientAddress = Environment.GetEnvironmentVariable(ContainerDrill.ClientAddressVariable);
        _client = await ConnectClientAsync(ClientConfig(clientAddress),
            ComposeGrid.ShopServices.Select(s => $"akka.tcp://{EdgeNode.SystemName}@{s}:4054/system/receptionist").ToList());
        await WaitForPlantsAsync(ComposeGrid.PlantServices.Length, TimeSpan.FromSeconds(120));
        _report.Mark($"cluster up: compose project {project}, every container healthy " +
                     $"{Environment.GetEnvironmentVariable(ContainerDrill.UpSecondsVariable)} s after `docker-compose up`; client at {clientAddress}");
        _progress("cluster up");

        async Task<string> Holder() => await grid.SingletonHolderAsync(since) ?? throw new InvalidOperationException("no shop container holds the singleton");
        // Whole again: the container runs (started by hand if its restart policy did not), is healthy, and every plant is
        // registered. Docker never restarts a container stopped by `docker kill` (a manual stop), so that one is started
        // at once; a node that exits by itself (downed) is given 10 s for its restart policy.
        async Task WholeAgain(string service, string what, bool restartPolicyApplies = true)
        {
            if (restartPolicyApplies) await PollAsync(() => grid.IsRunningAsync(service), TimeSpan.FromSeconds(10));
            if (!await grid.IsRunningAsync(service)) await Step($"docker start {service}", () => grid.StartAsync(service));
            await grid.WaitHealthyAsync([service], TimeSpan.FromSeconds(180));
            await WaitForPlantsAsync(ComposeGrid.PlantServices.Length, TimeSpan.FromSeconds(120));
            _report.Mark($"{what}: {service} healthy again, {ComposeGrid.PlantServices.Length} plants registered");
            _progress($"{service} back");
        }

        string killed = "", disconnected = "";
        var disconnectedAt = DateTime.MaxValue;
        const string paused = "plant-2";
        var faultTimes = await StreamWithFaultsAsync(
        [
            new DrillFault(async () =>
            {
                killed = await Holder();
                await Step($"docker kill {killed} (holds the shop singleton)", () => grid.KillAsync(killed));
            }, () => WholeAgain(killed, "after the kill", restartPolicyApplies: false)),
            new DrillFault(() => Step($"docker pause {paused} (a hung plant host)", () => grid.PauseAsync(paused)), async () =>
            {
                // Hung long enough to be downed: the shop forgets its plant, then the host comes back.
                await PollAsync(async () => await TryAskAsync(ListPlants.Instance, TimeSpan.FromSeconds(5))
                    is PlantList list && list.Plants.All(p => p.Plant != "plant2"), TimeSpan.FromSeconds(60));
                _report.Mark("the shop forgot plant2 (its node was downed)");
                await Step($"docker unpause {paused}", () => grid.UnpauseAsync(paused));
                await WholeAgain(paused, "after the pause");
            }),
            new DrillFault(async () =>
            {
                disconnected = await Holder();
                disconnectedAt = DateTime.UtcNow;
                await Step($"docker network disconnect {grid.Network} {disconnected} (holds the shop singleton)", () => grid.DisconnectAsync(disconnected));
            }, async () =>
            {
                await PollAsync(() => Task.FromResult(grid.Deaths(disconnected, disconnectedAt).Count > 0), TimeSpan.FromSeconds(60));
                if (grid.Deaths(disconnected, disconnectedAt).FirstOrDefault() is var died && died != default)
                    _report.Mark(_report.At(died), $"{disconnected} downed itself (minority under keep-majority) and exited");
                else _report.Problems.Add($"{disconnected} (cut off) was still running 60 s after the disconnect");
                await Step($"docker network connect {grid.Network} {disconnected}", () => grid.ConnectAsync(disconnected));
                await WholeAgain(disconnected, "after reconnecting");
            }),
        ]);

        var running = 0;
        foreach (var service in ComposeGrid.NodeServices) running += await grid.IsRunningAsync(service) ? 1 : 0;
        await VerifyAsync(running);
        var histories = new List<ShopHistory>();
        foreach (var service in ComposeGrid.ShopServices) histories.Add(await grid.ShopHistoryAsync(service, since));
        CheckOneShopAtATime(faultTimes[0], histories);
    }

    /// <summary>Polls a condition that asks Docker or the cluster (so not too often) until it holds or the timeout passes.</summary>
    private static async Task PollAsync(Func<Task<bool>> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition() && DateTime.UtcNow < deadline) await Task.Delay(500);
    }
}
