using System.Diagnostics;
using System.Globalization;

namespace VMPlant.Bench.Chaos;

/// <summary>
/// The container drill's outer half, on the host: brings the repository's docker-compose.yml up as a compose project
/// of its own (PostgreSQL, two shop and three plant containers on the project's network; a small override file
/// mounts the drill's HOCON and the generated secrets), waits for every healthcheck, then runs the drill itself
/// (<see cref="ChaosRunner"/>, with its cluster client) inside the network namespace of a client container on that
/// network — so the client resolves and reaches the nodes by their compose names, and they reach it — while the
/// faults (docker kill / pause / network disconnect) go through the Docker socket. Everything the drill started is
/// removed at the end (containers, network, volumes; images stay), even when it fails.
/// </summary>
public sealed class ContainerDrill(ChaosOptions options, string work, Action<string> progress) : IAsyncDisposable
{
    /// <summary>Set (to the compose project) when the drill runs inside the client container's network namespace.</summary>
    public const string ProjectVariable = "VMPLANT_CHAOS_COMPOSE";

    /// <summary>The client's own address on the compose network (inside run).</summary>
    public const string ClientAddressVariable = "VMPLANT_CHAOS_CLIENT_ADDRESS";

    /// <summary>Seconds from `docker-compose up` to every container healthy, measured outside, reported inside.</summary>
    public const string UpSecondsVariable = "VMPLANT_CHAOS_UP_SECONDS";

    private static readonly TimeSpan DrillDeadline = TimeSpan.FromMinutes(8);
    private static readonly TimeSpan HealthyDeadline = TimeSpan.FromMinutes(5);

    private readonly string _project = $"vmpdrill{Guid.NewGuid():N}"[..16];
    private ComposeGrid? _grid;
    private string? _clientContainer;

    public async Task<ChaosReport> RunAsync()
    {
        var composeFile = options.ComposeFile ?? throw new InvalidOperationException("the container drill needs the compose file (--compose-file)");
        if (await ComposeGrid.UnavailableReasonAsync(options.ComposeEnvFile) is { } reason)
            throw new InvalidOperationException($"container drill unavailable: {reason}");
        var repo = Path.GetDirectoryName(Path.GetFullPath(composeFile))!;
        var secrets = Path.Combine(work, "secrets");
        await ComposeGrid.RunAsync(Path.Combine(repo, "deploy", "docker", "secrets.sh"), [secrets]);
        _grid = new ComposeGrid(_project, [composeFile, WriteOverride()], options.ComposeEnvFile, secrets);

        var up = Stopwatch.StartNew();
        await _grid.UpAsync(HealthyDeadline);
        progress($"compose project {_project} up (network {_grid.Network}); waiting for every healthcheck");
        await _grid.WaitHealthyAsync(ComposeGrid.NodeServices.Prepend("postgres"), HealthyDeadline - up.Elapsed + TimeSpan.FromMinutes(1));
        var upSeconds = up.Elapsed.TotalSeconds;
        progress($"every container healthy {upSeconds:0.0} s after `docker-compose up`");

        var image = ComposeGrid.NodeImage(options.ComposeEnvFile);
        _clientContainer = (await ComposeGrid.RunAsync("docker", ["run", "-d", "--rm", "--name", $"{_project}-client",
            "--label", $"com.docker.compose.project={_project}", "--network", _grid.Network, "--entrypoint", "sleep", image, "infinity"])).Trim();
        var pid = (await ComposeGrid.RunAsync("docker", ["inspect", "-f", "{{.State.Pid}}", _clientContainer])).Trim();
        var address = (await ComposeGrid.RunAsync("docker", ["inspect", "-f", "{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}", _clientContainer])).Trim();
        // Names resolve through Docker's DNS for the project network, which answers at 127.0.0.11 inside the namespace.
        var resolv = Path.Combine(work, "resolv.conf");
        await File.WriteAllTextAsync(resolv, "nameserver 127.0.0.11\noptions ndots:0\n");

        var info = new ProcessStartInfo("nsenter")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = work,
        };
        foreach (var arg in new[] { $"--net=/proc/{pid}/ns/net", "--", "unshare", "--mount", "--propagation", "private", "--",
                     "sh", "-c", "mount --bind \"$1\" /etc/resolv.conf && shift && exec \"$@\"", "sh", resolv,
                     "dotnet", NodeProcess.HarnessDll, "chaos", "containers", "--work-dir", work, "--keep", "--lanes", options.Lanes.ToString(CultureInfo.InvariantCulture) })
            info.ArgumentList.Add(arg);
        info.Environment[ProjectVariable] = _project;
        info.Environment[ClientAddressVariable] = address;
        info.Environment[UpSecondsVariable] = upSeconds.ToString("0.0", CultureInfo.InvariantCulture);
        return await RelayedDrill.RunAsync(info, work, "container drill", DrillDeadline, progress);
    }

    /// <summary>The drill's settings (short timeouts, ~2 s builds) for every node, and nothing else changed.</summary>
    private string WriteOverride()
    {
        var config = ChaosRunner.WriteConfig(work);
        var path = Path.Combine(work, "drill.override.yml");
        var services = string.Concat(ComposeGrid.NodeServices.Select(s => $"""
              {s}:
                command: ["serve", "--config", "/drill/chaos.conf"]
                volumes: ["{config}:/drill/chaos.conf:ro"]

            """));
        File.WriteAllText(path, "services:\n" + services);
        return path;
    }

    /// <summary>Each container's output, kept beside the report.</summary>
    private async Task SaveLogsAsync()
    {
        foreach (var service in ComposeGrid.NodeServices.Prepend("postgres"))
        {
            try
            {
                await File.WriteAllLinesAsync(Path.Combine(work, service + ".log"), await _grid!.LogsAsync(service));
            }
            catch (Exception e) when (e is InvalidOperationException or TimeoutException)
            {
                progress($"logs of {service}: {e.Message}");
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_clientContainer is not null) await ComposeGrid.RunAsync("docker", ["rm", "-f", _clientContainer]);
            if (_grid is not null)
            {
                await SaveLogsAsync();
                await _grid.DownAsync();
            }
        }
        catch (Exception e) when (e is InvalidOperationException or TimeoutException)
        {
            progress($"cleanup: {e.Message}");
        }
    }
}
