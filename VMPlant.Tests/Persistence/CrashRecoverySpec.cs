using System.Collections.Concurrent;
using VMPlant.Actors.Domain;
using VMPlant.Bench.Chaos;
using VMPlant.Host.Cli;
using VMPlant.Host.Configuration;
using VMPlant.Host.Node;
using VMPlant.Libvirt;
using VMPlant.Messages;
using VMPlant.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace VMPlant.Tests.Persistence;

/// <summary>
/// The host as a separate process, killed with SIGKILL in the middle of a stream of requests and started again on
/// the same data: nothing acknowledged is lost, nothing is created twice, capacity accounting is exact, and the
/// plants' hypervisors agree with the journal. Runs on SQLite, and on PostgreSQL when the test command provides it.
/// </summary>
public sealed class CrashRecoverySpec(ITestOutputHelper output) : IDisposable
{
    private readonly TempDirectory _data = new("vmplant-crash");

    public static TheoryData<string> Journals()
    {
        var journals = new TheoryData<string> { "sqlite" };
        if (TestDatabases.PostgresAvailable) journals.Add("postgresql");
        return journals;
    }

    [Theory]
    [MemberData(nameof(Journals))]
    public async Task Kill_9_mid_stream_loses_no_acknowledged_request_and_duplicates_no_vm(string journal)
    {
        var configFile = await WriteConfigAsync(journal);
        var specs = new[] { "debian-mpi.conf", "debian-mpi-solver.conf", "centos-web.conf" }
            .Select(f => VmSpecParser.ParseFile(Path.Combine(RepoPaths.Examples, f))).ToArray();
        var requests = Enumerable.Range(0, 24).Select(i => new CreateVm($"crash-{i:D2}", specs[i % specs.Length] with { Name = $"crash{i:D2}", Resources = new Resources(1, 512, 2) }))
            .ToList();
        var acknowledged = new ConcurrentDictionary<string, VmCreated>();

        await using (var first = await TestNodes.StartAsync(_data.Path, configFile, output, "first"))
        {
            await using var client = await ConnectAsync(first);
            await WaitForPlantsAsync(client, 2);
            using var stop = new CancellationTokenSource();
            var senders = Enumerable.Range(0, 3).Select(lane => Task.Run(async () =>
            {
                foreach (var request in requests.Where((_, i) => i % 3 == lane))
                {
                    if (stop.IsCancellationRequested) return;
                    if (await TryAskAsync(client, request) is VmCreated created) acknowledged[request.RequestId] = created;
                }
            })).ToList();
            while (acknowledged.Count < 8 && !senders.All(s => s.IsCompleted)) await Task.Delay(20);
            await first.KillAsync();
            stop.Cancel();
            await Task.WhenAll(senders);
        }
        output.WriteLine($"killed after {acknowledged.Count} acknowledged creates");
        Assert.InRange(acknowledged.Count, 8, requests.Count - 1);

        await using var second = await TestNodes.StartAsync(_data.Path, configFile, output, "second");
        await using var again = await ConnectAsync(second);
        await WaitForPlantsAsync(again, 2);

        // Every request is resent, as a client that never heard back would: the same id gives the same outcome.
        var outcomes = new Dictionary<string, VmCreated>();
        foreach (var request in requests)
        {
            var answer = await again.AskAsync(request, TimeSpan.FromSeconds(30));
            outcomes[request.RequestId] = answer as VmCreated
                ?? throw new Xunit.Sdk.XunitException($"{request.RequestId} after restart: {Output.ToJson(answer)}");
        }
        foreach (var (requestId, before) in acknowledged)
            Assert.Equal(before.Vm.VmId, outcomes[requestId].Vm.VmId);

        var vms = Assert.IsType<VmList>(await again.AskAsync(new ListVms([]))).Vms;
        Assert.Equal(requests.Count, vms.Length);
        Assert.Equal(vms.Length, vms.Select(v => v.VmId).Distinct().Count());
        Assert.All(vms, vm => Assert.Equal(VmState.Running, vm.State));

        var plants = Assert.IsType<PlantList>(await again.AskAsync(ListPlants.Instance)).Plants;
        foreach (var plant in plants)
        {
            var mine = vms.Where(v => v.Plant == plant.Plant).ToList();
            Assert.Equal(mine.Count, plant.Vms);
            Assert.Equal(mine.Sum(v => v.Resources.Vcpus), plant.Total.Vcpus - plant.Free.Vcpus);
            Assert.Equal(mine.Sum(v => v.Resources.MemoryMiB), plant.Total.MemoryMiB - plant.Free.MemoryMiB);

            // The restarted plant's hypervisor holds exactly the VMs the shop knows, each once.
            using var host = VMPlant.Actors.Plant.TestNodeFile.OpenSaved(Path.Combine(_data.Path, "plants", plant.Plant, "node.xml"));
            var domains = host.ListAllDomains();
            try
            {
                Assert.Equal(mine.Select(v => v.VmId).Order(), domains.Select(d => d.Name).Order());
                Assert.All(domains, d => Assert.Equal(DomainState.Running, d.GetState()));
            }
            finally
            {
                foreach (var d in domains) d.Dispose();
            }
        }
    }

    private async Task<string> WriteConfigAsync(string journal)
    {
        var persistence = journal == "postgresql"
            ? $"""
              vmplant.persistence.provider-name = "PostgreSQL.15"
              vmplant.persistence.connection-string = "{await TestDatabases.CreatePostgresDatabaseAsync()}"
              vmplant.persistence.parallelism = 4
              """
            : "";
        var path = Path.Combine(_data.Path, "crash.conf");
        await File.WriteAllTextAsync(path, $$"""
            # Generous: on a very busy machine a just-restarted plant's first bids take seconds, and a request no
            # plant bid for in time fails; it costs time only when a plant does not answer.
            vmplant.shop.bid-timeout = 10s
            vmplant.persistence.snapshot-every = 10
            vmplant.plants = [
              { name = east, base-image-gib = 2, test-node { cpus = 32, memory-mib = 131072, pool-gib = 100 } }
              { name = west, base-image-gib = 2, test-node { cpus = 32, memory-mib = 131072, pool-gib = 100 } }
            ]
            vmplant.plant-defaults.cache.max-gib = 60
            {{persistence}}
            """);
        return path;
    }

    // Probed again while a just-started node on a busy machine takes more than the client's 5 s to answer.
    private static async Task<VmPlantClient> ConnectAsync(NodeProcess host) =>
        await ChaosRunner.ConnectClientAsync(NodeConfig.Load(), [host.Receptionist]);

    private static async Task<object?> TryAskAsync(VmPlantClient client, IVmPlantMessage request)
    {
        try
        {
            return await client.AskAsync(request, TimeSpan.FromSeconds(20));
        }
        catch (Exception e) when (e is NodeUnreachableException or RequestTimedOutException)
        {
            return null; // the node died under this request: it was not acknowledged
        }
    }

    private static async Task WaitForPlantsAsync(VmPlantClient client, int expected)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (await TryAskAsync(client, ListPlants.Instance) is not PlantList { Plants.Length: var n } || n < expected)
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("plants did not register within 60 s");
            await Task.Delay(250);
        }
    }

    public void Dispose() => _data.Dispose();
}
