using System.Diagnostics;
using System.Text.Json;
using VMPlant.Bench.Chaos;
using VMPlant.Messages;
using VMPlant.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace VMPlant.Tests.EndToEnd;

/// <summary>
/// More VMs in history than one remoting frame can carry (the listing broke at ~330), created on the test driver and
/// listed through the real path: the `vmplant` CLI as a separate process, over remoting to the node's edge.
/// </summary>
public sealed class PagingEndToEndSpec(ITestOutputHelper output) : IAsyncLifetime
{
    private const int VmCount = 420;

    private readonly TempDirectory _data = new("vmplant-paging");
    private InProcessNode _node = null!;

    public async Task InitializeAsync() => _node = await InProcessNode.StartAsync(_data.Path, """
        vmplant.plants = [ { name = alpha, test-node { cpus = 16, memory-mib = 16384, pool-gib = 100 } } ]
        vmplant.plant-defaults.test-node-durable = off
        """, expectedPlants: 1);

    public async Task DisposeAsync()
    {
        await _node.DisposeAsync();
        _data.Dispose();
    }

    [Fact]
    public async Task The_cli_lists_hundreds_of_vms_page_by_page_over_remoting()
    {
        var created = await CreateAndDestroyAsync(VmCount);
        // Far below the default page of 1,000 VMs, yet over a frame: the node cut the first page by bytes.
        var firstPage = await _node.AskAsync<VmList>(new ListVms([]));
        Assert.NotNull(firstPage.Next);
        Assert.InRange(firstPage.Vms.Length, 1, VmCount - 1);
        output.WriteLine($"first page: {firstPage.Vms.Length} VMs");

        var all = await CliJson("list", "--json");
        var listed = all.RootElement.GetProperty("vms").EnumerateArray().Select(v => v.GetProperty("vmId").GetString()!).ToList();
        Assert.Equal(created.Order(StringComparer.Ordinal), listed.Order(StringComparer.Ordinal));
        Assert.False(all.RootElement.TryGetProperty("next", out _));

        // One page, then the rest after its cursor: together the same VMs in the same order.
        var page = await CliJson("list", "--json", "--limit", "100");
        var firstIds = page.RootElement.GetProperty("vms").EnumerateArray().Select(v => v.GetProperty("vmId").GetString()!).ToList();
        Assert.Equal(100, firstIds.Count);
        var cursor = page.RootElement.GetProperty("next").GetString()!;
        var rest = await CliJson("list", "--json", "--after", cursor);
        var restIds = rest.RootElement.GetProperty("vms").EnumerateArray().Select(v => v.GetProperty("vmId").GetString()!);
        Assert.Equal(listed, firstIds.Concat(restIds));

        // The human table: a header and one line per VM; with --limit, the line that continues it.
        var table = await Cli("list");
        Assert.Equal(VmCount + 1, table.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        var onePage = await Cli("list", "--limit", "5");
        Assert.Contains($"next page: --after ", onePage);
    }

    /// <summary>Creates VMs through the client (a few at a time) and destroys each, so the plant's capacity lasts: they stay in history.</summary>
    private async Task<List<string>> CreateAndDestroyAsync(int count)
    {
        var spec = SpecBuilder.DebianOnly("pg", new Resources(1, 16, 1));
        var ids = new System.Collections.Concurrent.ConcurrentBag<string>();
        var clock = Stopwatch.StartNew();
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, _) =>
        {
            var vm = (await _node.AskAsync<VmCreated>(new CreateVm($"paging-{i}", spec))).Vm;
            await _node.AskAsync<VmDestroyed>(new DestroyVm(vm.VmId));
            ids.Add(vm.VmId);
        });
        output.WriteLine($"{count} VMs created and destroyed in {clock.Elapsed.TotalSeconds:0.0} s");
        return [.. ids];
    }

    private async Task<string> Cli(params string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(NodeProcess.HostDll);
        foreach (var arg in args) info.ArgumentList.Add(arg);
        info.ArgumentList.Add("--config");
        info.ArgumentList.Add(Path.Combine(_data.Path, "node.conf"));
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(180));
        await process.WaitForExitAsync(deadline.Token);
        output.WriteLine($"vmplant {string.Join(' ', args)} → exit {process.ExitCode} in {clock.Elapsed.TotalSeconds:0.0} s, " +
                         $"{(await stdout).Length:N0} chars on stdout; stderr: {await stderr}");
        Assert.Equal(0, process.ExitCode);
        return await stdout;
    }

    private async Task<JsonDocument> CliJson(params string[] args) => JsonDocument.Parse(await Cli(args));
}
