using System.Diagnostics;

namespace VMPlant.Bench.Chaos;

/// <summary>
/// The partition drill's network: network namespaces this drill creates and deletes itself, never the root
/// namespace's interfaces or routes. A "switch" namespace holds a bridge; every node namespace and the client
/// namespace hang on it by a veth pair, with addresses in 10.77.0.0/24 that exist only inside these namespaces:
/// <code>
///   PREFIX-n1 (10.77.0.11) ─┐
///   PREFIX-n2 (10.77.0.12) ─┼─ br0 in PREFIX-sw
///   PREFIX-n3 (10.77.0.13) ─┤
///   PREFIX-cl (10.77.0.100)─┘   the drill's client (this same binary, re-run inside it)
/// </code>
/// Cutting a node off is <c>ip -n PREFIX-sw link set nN down</c> (its switch port); healing sets it up again.
/// The drill itself (<see cref="ChaosRunner"/>, cluster client included) runs inside the client namespace, started
/// here with <c>ip netns exec</c> and <see cref="NetnsVariable"/> set; it writes its report to the work directory.
/// Everything is bounded in time, and the namespaces are deleted (and any process left in them killed) even when
/// the drill fails.
/// </summary>
public sealed class PartitionDrill(ChaosOptions options, string work, Action<string> progress) : IAsyncDisposable
{
    /// <summary>Set (to the namespace prefix) when the drill runs inside the client namespace.</summary>
    public const string NetnsVariable = "VMPLANT_CHAOS_NETNS";


    /// <summary>Nodes in the drill: an odd count, so keep-majority always has a majority side.</summary>
    public const int Nodes = 3;

    public const string ClientAddress = "10.77.0.100";

    private static readonly TimeSpan DrillDeadline = TimeSpan.FromMinutes(5);

    private readonly string _prefix = $"vmp{Guid.NewGuid():N}"[..9];
    private readonly List<string> _namespaces = [];

    public static string NodeAddress(int i) => $"10.77.0.{10 + i}";

    /// <summary>The wrapper that runs a command inside one of the drill's namespaces.</summary>
    public static IReadOnlyList<string> Exec(string prefix, string name) => ["ip", "netns", "exec", $"{prefix}-{name}"];

    /// <summary>Takes a node's switch port down (cut off from everyone) or up (healed).</summary>
    public static Task SetLinkAsync(string prefix, string node, bool up) =>
        IpAsync("-n", $"{prefix}-sw", "link", "set", node, up ? "up" : "down");

    /// <summary>Null when network namespaces can be created here (root, iproute2); else why not.</summary>
    public static async Task<string?> UnavailableReasonAsync()
    {
        if (!OperatingSystem.IsLinux()) return "network namespaces need Linux";
        if (!Environment.IsPrivilegedProcess) return "creating network namespaces needs root";
        var probe = $"vmp{Guid.NewGuid():N}"[..9] + "-probe";
        try
        {
            await IpAsync("netns", "add", probe);
            await IpAsync("netns", "del", probe);
            return null;
        }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception or TimeoutException)
        {
            return $"`ip netns` does not work here: {e.Message}";
        }
    }

    public async Task<ChaosReport> RunAsync()
    {
        if (await UnavailableReasonAsync() is { } reason) throw new InvalidOperationException($"partition drill unavailable: {reason}");
        await CreateNetworkAsync();
        progress($"network namespaces {_prefix}-{{sw,n1..n{Nodes},cl}} up (bridge in {_prefix}-sw, 10.77.0.0/24)");

        var info = new ProcessStartInfo("ip")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = work,
        };
        foreach (var arg in Exec(_prefix, "cl").Skip(1)) info.ArgumentList.Add(arg);
        foreach (var arg in new[] { "dotnet", NodeProcess.HarnessDll, "chaos", "partition", "--work-dir", work, "--keep", "--lanes", options.Lanes.ToString() })
            info.ArgumentList.Add(arg);
        info.Environment[NetnsVariable] = _prefix;
        return await RelayedDrill.RunAsync(info, work, "partition drill", DrillDeadline, progress);
    }

    private async Task CreateNetworkAsync()
    {
        var sw = $"{_prefix}-sw";
        await AddNamespaceAsync(sw);
        await IpAsync("-n", sw, "link", "set", "lo", "up");
        await IpAsync("-n", sw, "link", "add", "br0", "type", "bridge");
        await IpAsync("-n", sw, "link", "set", "br0", "up");
        var members = Enumerable.Range(1, Nodes).Select(i => ($"n{i}", NodeAddress(i))).Append(("cl", ClientAddress));
        foreach (var (name, address) in members)
        {
            var ns = $"{_prefix}-{name}";
            await AddNamespaceAsync(ns);
            // The veth pair is created inside the switch namespace; its peer goes straight into the member's namespace.
            await IpAsync("-n", sw, "link", "add", name, "type", "veth", "peer", "name", "eth0", "netns", ns);
            await IpAsync("-n", sw, "link", "set", name, "master", "br0");
            await IpAsync("-n", sw, "link", "set", name, "up");
            await IpAsync("-n", ns, "link", "set", "lo", "up");
            await IpAsync("-n", ns, "addr", "add", $"{address}/24", "dev", "eth0");
            await IpAsync("-n", ns, "link", "set", "eth0", "up");
        }
    }

    private async Task AddNamespaceAsync(string name)
    {
        await IpAsync("netns", "add", name);
        _namespaces.Add(name);
    }

    private static async Task<string> IpAsync(params string[] args)
    {
        var info = new ProcessStartInfo("ip") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args) info.ArgumentList.Add(arg);
        using var ip = Process.Start(info) ?? throw new InvalidOperationException("could not run ip");
        var stdout = ip.StandardOutput.ReadToEndAsync();
        var stderr = ip.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        try
        {
            await ip.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            ip.Kill();
            throw new TimeoutException($"ip {string.Join(" ", args)} did not finish within 15 s");
        }
        if (ip.ExitCode != 0)
            throw new InvalidOperationException($"ip {string.Join(" ", args)} failed: {(await stderr).Trim()}");
        return await stdout;
    }

    /// <summary>Kills whatever still runs in the drill's namespaces (only processes this drill started live there), then deletes them.</summary>
    public async ValueTask DisposeAsync()
    {
        foreach (var ns in Enumerable.Reverse(_namespaces))
        {
            try
            {
                foreach (var pid in (await IpAsync("netns", "pids", ns)).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                {
                    try
                    {
                        using var process = Process.GetProcessById(int.Parse(pid));
                        process.Kill(entireProcessTree: true);
                        await process.WaitForExitAsync();
                    }
                    catch (Exception e) when (e is ArgumentException or InvalidOperationException or FormatException)
                    {
                        // Already gone.
                    }
                }
                await IpAsync("netns", "del", ns);
            }
            catch (Exception e) when (e is InvalidOperationException or TimeoutException)
            {
                progress($"cleanup: {e.Message}");
            }
        }
        _namespaces.Clear();
    }
}
