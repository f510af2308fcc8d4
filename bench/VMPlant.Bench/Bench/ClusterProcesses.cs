using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.RegularExpressions;
using VMPlant.Bench.Chaos;

namespace VMPlant.Bench;

/// <summary>
/// Extra `vmplant serve` processes on loopback that join the bench node's cluster as plant-only members. Each is
/// started and ended by this class, by its own process id.
/// </summary>
public sealed partial class ClusterProcesses : IAsyncDisposable
{
    private readonly List<Member> _members = [];

    private sealed record Member(Process Process, ConcurrentQueue<string> Output);

    [GeneratedRegex(@"VMPlant node listening on (\S+)")]
    private static partial Regex Listening();

    /// <summary>Starts one member with <paramref name="layout"/>'s plants; returns when it listens (or throws with its output).</summary>
    public async Task StartAsync(BenchNodeLayout layout, string name, TimeSpan timeout)
    {
        Directory.CreateDirectory(layout.DataDir);
        var configFile = Path.Combine(layout.DataDir, "node.conf");
        await File.WriteAllLinesAsync(configFile, layout.Hocon());
        var host = NodeProcess.HostDll;
        var info = new ProcessStartInfo(DotnetExecutable())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = layout.DataDir,
        };
        foreach (var arg in new[] { host, "serve", "--port", "0", "--data-dir", layout.DataDir, "--config", configFile }) info.ArgumentList.Add(arg);
        var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {name}");
        var output = new ConcurrentQueue<string>();
        var listening = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnLine(string? line)
        {
            if (line is null) return;
            output.Enqueue(line);
            while (output.Count > 200) output.TryDequeue(out _);
            if (Listening().Match(line) is { Success: true } m) listening.TrySetResult(m.Groups[1].Value);
        }
        process.OutputDataReceived += (_, e) => OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => OnLine(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _members.Add(new Member(process, output));
        var finished = await Task.WhenAny(listening.Task, process.WaitForExitAsync(), Task.Delay(timeout));
        if (finished != listening.Task)
            throw new InvalidOperationException($"{name} did not start within {timeout.TotalSeconds:0}s: {string.Join(" | ", output.TakeLast(10))}");
    }

    /// <summary>The dotnet host running this process (vmplant runs as `dotnet vmplant.dll`).</summary>
    private static string DotnetExecutable()
    {
        var current = Environment.ProcessPath;
        if (current is not null && Path.GetFileNameWithoutExtension(current) == "dotnet") return current;
        return Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";
    }

    /// <summary>SIGTERM (a graceful leave), then SIGKILL for any member still running after <paramref name="grace"/>.</summary>
    public async Task StopAsync(TimeSpan grace)
    {
        foreach (var member in _members.Where(m => !m.Process.HasExited))
        {
            try
            {
                using var kill = Process.Start("kill", ["-TERM", member.Process.Id.ToString()]);
                kill?.WaitForExit();
            }
            catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception)
            {
                // Already gone.
            }
        }
        using var cancel = new CancellationTokenSource(grace);
        foreach (var member in _members)
        {
            try
            {
                await member.Process.WaitForExitAsync(cancel.Token);
            }
            catch (OperationCanceledException)
            {
                member.Process.Kill();
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(TimeSpan.FromSeconds(10));
        foreach (var member in _members) member.Process.Dispose();
        _members.Clear();
    }
}
