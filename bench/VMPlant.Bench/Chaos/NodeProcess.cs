using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using VMPlant.Host.Cli;

namespace VMPlant.Bench.Chaos;

/// <summary>
/// One VMPlant node (this very host binary, <c>vmplant.dll serve</c>) as a separate OS process on loopback, for
/// drills and tests that kill it with SIGKILL, stop it with SIGTERM or cut it off the network. Its output goes to a
/// log file (and, optionally, to an echo such as a test's output).
/// </summary>
public sealed class NodeProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _tail = new();
    private readonly StreamWriter _log;
    private readonly TaskCompletionSource _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Action<string>? _echo;

    private NodeProcess(string name, string hostname, int port, int edgePort, IReadOnlyList<string> roles, Process process, string logFile, Action<string>? echo)
    {
        _echo = echo;
        Name = name;
        Hostname = hostname;
        Port = port;
        EdgePort = edgePort;
        Roles = roles;
        _process = process;
        LogFile = logFile;
        _log = new StreamWriter(logFile, append: true) { AutoFlush = true };
        process.OutputDataReceived += (_, e) => OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => OnLine(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public string Name { get; }

    public string Hostname { get; }

    public int Port { get; }

    /// <summary>The port of the node's edge, where clients connect (vmplant.edge.port).</summary>
    public int EdgePort { get; }

    public IReadOnlyList<string> Roles { get; }

    public string LogFile { get; }

    public string Address => $"akka.tcp://vmplant@{Hostname}:{Port}";

    /// <summary>The edge's cluster-client receptionist: the contact point for clients (akka.tcp is rewritten to akka.ssl.tcp by clients with TLS on).</summary>
    public string Receptionist => $"akka.tcp://vmplant-edge@{Hostname}:{EdgePort}/system/receptionist";

    /// <summary>The node's HTTP base URL (health probes), once it has printed it; null before that or with HTTP off.</summary>
    public string? HttpUrl { get; private set; }

    public bool HasExited => _process.HasExited;

    public int Pid => _process.Id;

    /// <summary>When the process ended (UTC), or null while it runs.</summary>
    public DateTime? ExitedAt => _process.HasExited ? _process.ExitTime.ToUniversalTime() : null;

    /// <summary>The process's exit code once it has exited.</summary>
    public int? ExitCode => _process.HasExited ? _process.ExitCode : null;

    /// <summary>Shop singleton start (true) / stop (false) markers this process logged, with the time it logged them (UTC).</summary>
    public IReadOnlyList<(DateTime At, bool Started)> ShopMarks
    {
        get { lock (_shopMarks) return [.. _shopMarks]; }
    }

    /// <summary>Lines that report a failed or rejected write of the shop's journal (a second writer would cause them).</summary>
    public IReadOnlyList<string> ShopJournalFailures
    {
        get { lock (_shopMarks) return [.. _journalFailures]; }
    }

    private readonly List<(DateTime, bool)> _shopMarks = [];
    private readonly List<string> _journalFailures = [];

    /// <summary>The path of the host binary the drills start: the vmplant.dll next to the running code.</summary>
    public static string HostDll => Path.Combine(AppContext.BaseDirectory, "vmplant.dll");

    /// <summary>The harness binary itself (vmplant-bench.dll), for drills that re-run themselves elsewhere.</summary>
    public static string HarnessDll => Path.Combine(AppContext.BaseDirectory, "vmplant-bench.dll");

    /// <param name="roles">The node's roles, or null for those its configuration gives.</param>
    /// <param name="configFile">A HOCON file merged over the defaults, or null for the embedded defaults.</param>
    /// <param name="wrapper">Command and arguments placed before <c>dotnet</c> (e.g. <c>ip netns exec NS</c>), or empty.</param>
    /// <param name="logFile">Where its output goes (default: NAME.log beside the data directory).</param>
    /// <param name="echo">Also receives every output line.</param>
    public static NodeProcess Start(string name, string hostname, int port, IReadOnlyList<string>? roles, string dataDir,
        string? configFile, IReadOnlyDictionary<string, string> environment, IReadOnlyList<string>? wrapper = null,
        string? logFile = null, Action<string>? echo = null)
    {
        Directory.CreateDirectory(dataDir);
        var command = wrapper is { Count: > 0 } ? wrapper[0] : "dotnet";
        var info = new ProcessStartInfo(command)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = dataDir,
        };
        if (wrapper is { Count: > 0 })
        {
            foreach (var arg in wrapper.Skip(1)) info.ArgumentList.Add(arg);
            info.ArgumentList.Add("dotnet");
        }
        foreach (var arg in new[] { HostDll, "serve", "--port", port.ToString(), "--data-dir", dataDir })
            info.ArgumentList.Add(arg);
        if (configFile is not null)
        {
            info.ArgumentList.Add("--config");
            info.ArgumentList.Add(configFile);
        }
        info.Environment["VMPLANT_HOSTNAME"] = hostname;
        var edgePort = environment.TryGetValue("VMPLANT_EDGE_PORT", out var fixedEdge) ? int.Parse(fixedEdge, CultureInfo.InvariantCulture) : ChaosRunner.FreeLoopbackPort();
        info.Environment["VMPLANT_EDGE_PORT"] = edgePort.ToString(CultureInfo.InvariantCulture);
        if (roles is not null) info.Environment["VMPLANT_ROLES"] = string.Join(",", roles);
        // Any free HTTP port, so that several nodes share one machine; the node prints the one it chose.
        info.Environment["VMPLANT_HTTP_PORT"] = "0";
        foreach (var (key, value) in environment) info.Environment[key] = value;
        var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start node {name}");
        return new NodeProcess(name, hostname, port, edgePort, roles ?? [], process, logFile ?? Path.Combine(Path.GetDirectoryName(dataDir)!, name + ".log"), echo);
    }

    /// <summary>Everything the node has written so far (read from its log file).</summary>
    public IReadOnlyList<string> LogLines()
    {
        lock (_log)
        {
            using var reader = new StreamReader(new FileStream(LogFile, FileMode.Open, FileAccess.Read, FileShare.ReadWrite));
            return reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        }
    }

    /// <summary>Waits for the node's "listening" line; fails with the end of its output if it exits or times out.</summary>
    public async Task WaitListeningAsync(TimeSpan timeout)
    {
        var finished = await Task.WhenAny(_listening.Task, _process.WaitForExitAsync(), Task.Delay(timeout));
        if (finished != _listening.Task)
            throw new InvalidOperationException($"node {Name} did not start within {timeout.TotalSeconds:0}s:\n{string.Join("\n", _tail.TakeLast(20))}");
    }

    /// <summary>SIGKILL: no shutdown hooks, no graceful leave — a power cut.</summary>
    public async Task KillAsync()
    {
        if (_process.HasExited) return;
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    /// <summary>SIGTERM, returning at once: the node then leaves the cluster gracefully (handing the singleton over) and exits.</summary>
    public Task SignalTerminateAsync() => SignalAsync("TERM");

    /// <summary>Sends a signal by name (TERM; STOP and CONT freeze and thaw the node), unless the node has exited.</summary>
    public async Task SignalAsync(string signal)
    {
        if (_process.HasExited) return;
        using var kill = Process.Start("kill", [$"-{signal}", _process.Id.ToString()]);
        if (kill is not null) await kill.WaitForExitAsync();
    }

    public async Task<bool> WaitForExitAsync(TimeSpan timeout)
    {
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

    private void OnLine(string? line)
    {
        if (line is null) return;
        _tail.Enqueue(line);
        while (_tail.Count > 200) _tail.TryDequeue(out _);
        lock (_log) _log.WriteLine(line);
        _echo?.Invoke(line);
        if (line.StartsWith(ServeCommand.HttpLinePrefix, StringComparison.Ordinal)) HttpUrl = line[ServeCommand.HttpLinePrefix.Length..].Split(' ')[0];
        if (line.StartsWith("VMPlant node listening on", StringComparison.Ordinal)) _listening.TrySetResult();
        TrackShop(line);
    }

    private void TrackShop(string line)
    {
        if (ShopLog.Mark(line) is { } mark)
            lock (_shopMarks) _shopMarks.Add(mark);
        if (ShopLog.IsShopJournalFailure(line))
            lock (_shopMarks) _journalFailures.Add(line);
    }

    /// <summary>This process's singleton markers and exit, for the "two shops never at once" check.</summary>
    public ShopHistory ShopHistory() => new($"{Name} (pid {Pid})", ShopMarks, ExitedAt is { } exited ? [exited] : [], ShopJournalFailures);

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process.Dispose();
        lock (_log) _log.Dispose();
    }
}
