using System.Collections.Concurrent;
using System.Diagnostics;
using Xunit.Abstractions;

namespace VMPlant.Tests.Support;

/// <summary>
/// The real VMPlant host (vmplant.dll, built with the tests) running as a separate OS process on loopback,
/// so crash and failover tests can kill it with SIGKILL like a power cut.
/// </summary>
public sealed class HostProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();
    private readonly TaskCompletionSource _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private HostProcess(Process process, int port, ITestOutputHelper? log, string name)
    {
        _process = process;
        Port = port;
        process.OutputDataReceived += (_, e) => OnLine(e.Data, log, name);
        process.ErrorDataReceived += (_, e) => OnLine(e.Data, log, name);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public int Port { get; }

    public string Receptionist => $"akka.tcp://vmplant@127.0.0.1:{Port}/system/receptionist";

    public int Pid => _process.Id;

    public IReadOnlyCollection<string> Output => _output;

    public static async Task<HostProcess> StartAsync(string dataDir, string? configFile = null, ITestOutputHelper? log = null,
        string name = "node", int? port = null, TimeSpan? startTimeout = null)
    {
        var chosenPort = port ?? FreePort.Next();
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = dataDir,
        };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "vmplant.dll"));
        info.ArgumentList.Add("serve");
        info.ArgumentList.Add("--port");
        info.ArgumentList.Add(chosenPort.ToString());
        info.ArgumentList.Add("--data-dir");
        info.ArgumentList.Add(dataDir);
        if (configFile is not null)
        {
            info.ArgumentList.Add("--config");
            info.ArgumentList.Add(configFile);
        }
        var process = Process.Start(info) ?? throw new InvalidOperationException("could not start vmplant.dll");
        var host = new HostProcess(process, chosenPort, log, name);
        var timeout = startTimeout ?? TimeSpan.FromSeconds(60);
        var finished = await Task.WhenAny(host._listening.Task, process.WaitForExitAsync(), Task.Delay(timeout));
        if (finished != host._listening.Task)
        {
            await host.DisposeAsync();
            throw new InvalidOperationException($"{name} did not start listening within {timeout}: {string.Join("\n", host._output.TakeLast(30))}");
        }
        return host;
    }

    /// <summary>SIGKILL: no shutdown hooks, no flush, no graceful leave.</summary>
    public async Task KillAsync()
    {
        if (_process.HasExited) return;
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    /// <summary>SIGTERM: the node leaves the cluster gracefully.</summary>
    public async Task<bool> TerminateAsync(TimeSpan timeout)
    {
        if (_process.HasExited) return true;
        Process.Start("kill", ["-TERM", _process.Id.ToString()])!.WaitForExit();
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cancel.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private void OnLine(string? line, ITestOutputHelper? log, string name)
    {
        if (line is null) return;
        _output.Enqueue(line);
        if (line.StartsWith("VMPlant node listening on", StringComparison.Ordinal)) _listening.TrySetResult();
        try
        {
            log?.WriteLine($"[{name}] {line}");
        }
        catch (InvalidOperationException)
        {
            // The test already finished; its output helper no longer takes lines.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process.Dispose();
    }
}
