using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using VMPlant.Bench.Chaos;
using VMPlant.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace VMPlant.Tests.Clients;

/// <summary>
/// `vmplant events` against a real node process's journal: the past as one JSON array, and --follow --json printing
/// one JSON object per line as new decisions are journaled (accepted, awarded with its bids, reserved, built, completed).
/// </summary>
[Collection("failover")]
public sealed class EventsCommandSpec(ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);
    private readonly TempDirectory _data = new("vmplant-events");

    [Fact]
    public async Task Events_show_the_journal_and_follow_new_decisions_as_json_lines()
    {
        var dataDir = Path.Combine(_data.Path, "node");
        await using var node = await TestNodes.StartAsync(dataDir, configFile: null, output, "node");
        // Every bid is checked below: wait until all three embedded plants are registered with the shop.
        using var http = new HttpProbe(node.HttpUrl!);
        await WaitUntil(async () => (await http.GetJsonAsync("/api/state")).Body.GetProperty("plants").GetArrayLength() == 3, "three registered plants");
        var first = await RunAsync(node, ["create", Path.Combine(RepoPaths.Examples, "debian-mpi.conf"), "--node", node.Receptionist, "--json"]);
        var firstRequest = JsonDocument.Parse(first).RootElement.GetProperty("requestId").GetString()!;

        var past = JsonDocument.Parse(await RunAsync(node, ["events", "--json", "--data-dir", dataDir])).RootElement.EnumerateArray().ToList();
        var mine = past.Where(e => e.GetProperty("text").GetString()!.Contains(firstRequest) || e.GetProperty("source").GetString()!.StartsWith("plant-")).ToList();
        Assert.Contains(mine, e => e.GetProperty("kind").GetString() == "accepted");
        var awarded = Assert.Single(mine, e => e.GetProperty("kind").GetString() == "awarded");
        Assert.Equal(3, awarded.GetProperty("event").GetProperty("bids").GetArrayLength());
        Assert.Contains(mine, e => e.GetProperty("kind").GetString() == "built" && e.GetProperty("source").GetString() == "plant-medium");
        Assert.Contains(mine, e => e.GetProperty("kind").GetString() == "completed");

        // Follow mode: started before the second create, it prints that create's decisions as they are journaled.
        var lines = new ConcurrentQueue<string>();
        using var follow = Start(["events", "--follow", "--json", "--data-dir", dataDir]);
        follow.OutputDataReceived += (_, e) => { if (e.Data is { Length: > 0 } line) lines.Enqueue(line); };
        follow.ErrorDataReceived += (_, e) => { if (e.Data is { Length: > 0 } line) output.Echo($"[events --follow, stderr] {line}"); };
        follow.BeginOutputReadLine();
        follow.BeginErrorReadLine();
        await WaitUntil(() => Task.FromResult(lines.Any(l => l.Contains(firstRequest))), "the journal's past in follow mode");
        var second = await RunAsync(node, ["create", Path.Combine(RepoPaths.Examples, "centos-web.conf"), "--node", node.Receptionist, "--json"]);
        var secondRequest = JsonDocument.Parse(second).RootElement.GetProperty("requestId").GetString()!;
        await WaitUntil(() => Task.FromResult(lines.Any(l => l.Contains("\"completed\"") && l.Contains(secondRequest))), "the second request's completion");
        follow.Kill();

        var parsed = lines.Select(l => JsonDocument.Parse(l).RootElement).ToList(); // every line is one JSON object
        var kinds = parsed.Where(e => e.GetProperty("text").GetString()!.Contains(secondRequest)).Select(e => e.GetProperty("kind").GetString()).ToList();
        Assert.Equal(["accepted", "awarded", "completed", "reserved"], kinds.Where(k => k is "accepted" or "reserved" or "awarded" or "completed").Distinct().Order());
    }

    private static Process Start(IEnumerable<string> args)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(NodeProcess.HostDll);
        foreach (var arg in args) info.ArgumentList.Add(arg);
        return Process.Start(info)!;
    }

    private async Task<string> RunAsync(NodeProcess node, string[] args)
    {
        using var cli = Start(args);
        var stdout = cli.StandardOutput.ReadToEndAsync();
        var stderr = cli.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(Patience);
        await cli.WaitForExitAsync(deadline.Token);
        var text = await stdout;
        output.WriteLine($"vmplant {string.Join(' ', args)} → {cli.ExitCode}\n{text}\n{await stderr}");
        Assert.True(cli.ExitCode == 0, $"vmplant {args[0]} exited {cli.ExitCode} (node {node.Name})");
        return text;
    }

    private static async Task WaitUntil(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"no {what} within {Patience}");
            await Task.Delay(200);
        }
    }

    public void Dispose() => _data.Dispose();
}
