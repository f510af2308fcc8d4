using System.Diagnostics;
using System.Globalization;

namespace VMPlant.Bench.Chaos;

/// <summary>
/// The repository's docker-compose.yml brought up as a compose project of the drill's own (its own network,
/// volumes and containers, all named after the project), driven through the docker and docker-compose command
/// lines. Faults act on that project's containers only: kill, pause/unpause, network disconnect/connect.
/// </summary>
public sealed class ComposeGrid(string project, IReadOnlyList<string> composeFiles, string? envFile, string secretsDir)
{
    public static readonly string[] ShopServices = ["shop-1", "shop-2"];
    public static readonly string[] PlantServices = ["plant-1", "plant-2", "plant-3"];
    public static IEnumerable<string> NodeServices => ShopServices.Concat(PlantServices);

    private static readonly TimeSpan CommandDeadline = TimeSpan.FromMinutes(3);

    public string Project => project;

    /// <summary>The compose network of this project (compose names it PROJECT_default).</summary>
    public string Network => $"{project}_default";

    /// <summary>Null when Docker can run containers here; else why not (one line).</summary>
    public static async Task<string?> UnavailableReasonAsync(string? envFile)
    {
        try
        {
            await RunAsync("docker", ["info", "--format", "{{.ServerVersion}}"], TimeSpan.FromSeconds(20));
            await RunAsync("docker-compose", ["version", "--short"], TimeSpan.FromSeconds(20));
        }
        catch (Exception e) when (e is InvalidOperationException or TimeoutException or System.ComponentModel.Win32Exception)
        {
            return $"Docker is not usable here: {e.Message.Split('\n')[0]}";
        }
        if (envFile is not null && !File.Exists(envFile)) return $"no image list at {envFile} (run deploy/docker/offline-images.sh)";
        return null;
    }

    /// <summary>The images an env file names (VMPLANT_IMAGE, VMPLANT_POSTGRES_IMAGE), or the compose defaults.</summary>
    public static string NodeImage(string? envFile) =>
        (envFile is null ? [] : File.ReadAllLines(envFile))
        .Select(l => l.Split('=', 2)).Where(kv => kv is ["VMPLANT_IMAGE", _]).Select(kv => kv[1].Trim()).LastOrDefault() ?? "vmplant:latest";

    /// <summary>Starts the grid; returns once compose has started every container (plants only after shop-1 is healthy).</summary>
    public Task UpAsync(TimeSpan timeout) => ComposeAsync(timeout, "up", "-d", "--no-build");

    /// <summary>Stops and removes the project's containers, network and volumes (images stay).</summary>
    public Task DownAsync() => ComposeAsync(CommandDeadline, "down", "--volumes", "--remove-orphans", "--timeout", "5");

    public async Task<string> ContainerAsync(string service)
    {
        var id = (await RunAsync("docker", ["ps", "-aq", "--filter", $"label=com.docker.compose.project={project}",
            "--filter", $"label=com.docker.compose.service={service}"])).Trim().Split('\n')[0];
        return id.Length > 0 ? id : throw new InvalidOperationException($"compose project {project} has no container for {service}");
    }

    /// <summary>"healthy", "starting", "unhealthy", or the container state when it has no healthcheck or is not running.</summary>
    public async Task<string> HealthAsync(string service)
    {
        var state = (await RunAsync("docker", ["inspect", "-f", "{{.State.Status}} {{if .State.Health}}{{.State.Health.Status}}{{end}}",
            await ContainerAsync(service)])).Trim().Split(' ');
        return state is ["running", var health] && health.Length > 0 ? health : state[0];
    }

    /// <summary>Waits until every listed service's container reports healthy; returns when each became healthy.</summary>
    public async Task<IReadOnlyDictionary<string, DateTime>> WaitHealthyAsync(IEnumerable<string> services, TimeSpan timeout)
    {
        var pending = services.ToHashSet();
        var healthyAt = new Dictionary<string, DateTime>();
        var deadline = DateTime.UtcNow + timeout;
        while (pending.Count > 0)
        {
            foreach (var service in pending.ToList())
            {
                if (await HealthAsync(service) == "healthy")
                {
                    healthyAt[service] = DateTime.UtcNow;
                    pending.Remove(service);
                }
            }
            if (pending.Count == 0) break;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"not healthy within {timeout.TotalSeconds:0} s: " +
                    string.Join(", ", await Task.WhenAll(pending.Select(async s => $"{s} ({await HealthAsync(s)})"))));
            await Task.Delay(500);
        }
        return healthyAt;
    }

    public async Task KillAsync(string service) => await RunAsync("docker", ["kill", await ContainerAsync(service)]);

    public async Task StartAsync(string service) => await RunAsync("docker", ["start", await ContainerAsync(service)]);

    public async Task PauseAsync(string service)
    {
        var container = await ContainerAsync(service);
        // The kernel's cgroup freezer gives up when a task will not stop in time ("unable to freeze"), which a saturated
        // machine sometimes causes; the container is left running, so asking again is safe.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await RunAsync("docker", ["pause", container]);
                return;
            }
            catch (InvalidOperationException e) when (attempt < 5 && e.Message.Contains("unable to freeze", StringComparison.Ordinal))
            {
                await Task.Delay(TimeSpan.FromSeconds(1));
            }
        }
    }

    public async Task UnpauseAsync(string service) => await RunAsync("docker", ["unpause", await ContainerAsync(service)]);

    public async Task DisconnectAsync(string service) => await RunAsync("docker", ["network", "disconnect", Network, await ContainerAsync(service)]);

    /// <summary>Reconnects a container under its service name, the alias the other nodes' seeds and gossip use.</summary>
    public async Task ConnectAsync(string service) =>
        await RunAsync("docker", ["network", "connect", "--alias", service, Network, await ContainerAsync(service)]);

    public async Task<bool> IsRunningAsync(string service) =>
        (await RunAsync("docker", ["inspect", "-f", "{{.State.Running}}", await ContainerAsync(service)])).Trim() == "true";

    /// <summary>Everything the service's container wrote (stdout and stderr, across its restarts).</summary>
    public async Task<string[]> LogsAsync(string service) =>
        (await RunAsync("docker", ["logs", await ContainerAsync(service)], mergeStderr: true)).Split('\n', StringSplitOptions.RemoveEmptyEntries);

    private readonly List<(string Service, DateTime At)> _deaths = [];

    /// <summary>
    /// Records every death (kill, crash, exit) of the project's containers from now until disposed. The daemon's own
    /// event history is too short to ask afterwards: healthchecks fill it with exec events within a minute or two.
    /// </summary>
    public IAsyncDisposable WatchDeaths()
    {
        var info = new ProcessStartInfo("docker") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { "events", "--filter", $"label=com.docker.compose.project={project}", "--filter", "event=die",
                     "--format", "{{.TimeNano}} {{index .Actor.Attributes \"com.docker.compose.service\"}}" })
            info.ArgumentList.Add(arg);
        var watcher = Process.Start(info) ?? throw new InvalidOperationException("could not run docker events");
        watcher.OutputDataReceived += (_, e) =>
        {
            if (e.Data?.Split(' ') is [var nanos, var service] && long.TryParse(nanos, CultureInfo.InvariantCulture, out var ns))
                lock (_deaths) _deaths.Add((service, DateTime.UnixEpoch.AddTicks(ns / 100)));
        };
        watcher.BeginOutputReadLine();
        return new ProcessStopper(watcher);
    }

    /// <summary>When the service's container died since <paramref name="since"/> (seen while <see cref="WatchDeaths"/> ran).</summary>
    public IReadOnlyList<DateTime> Deaths(string service, DateTime since)
    {
        lock (_deaths) return _deaths.Where(d => d.Service == service && d.At >= since).Select(d => d.At).ToList();
    }

    private sealed class ProcessStopper(Process process) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            if (!process.HasExited) process.Kill();
            await process.WaitForExitAsync();
            process.Dispose();
        }
    }

    /// <summary>The service's singleton markers and deaths since the drill began.</summary>
    public async Task<ShopHistory> ShopHistoryAsync(string service, DateTime since)
    {
        var lines = await LogsAsync(service);
        return new ShopHistory($"{service} (container)", lines.Select(ShopLog.Mark).OfType<(DateTime, bool)>().ToList(),
            Deaths(service, since), lines.Where(ShopLog.IsShopJournalFailure).ToList());
    }

    /// <summary>The shop service whose container holds the singleton now (last marker "started", no death after it), if any.</summary>
    public async Task<string?> SingletonHolderAsync(DateTime since)
    {
        foreach (var service in ShopServices)
        {
            var history = await ShopHistoryAsync(service, since);
            if (history.Marks.OrderBy(m => m.At).LastOrDefault() is { Started: true } last && history.Deaths.All(d => d < last.At)
                && await IsRunningAsync(service))
                return service;
        }
        return null;
    }

    private Task<string> ComposeAsync(TimeSpan timeout, params string[] args)
    {
        var all = new List<string> { "-p", project };
        foreach (var file in composeFiles) all.AddRange(["-f", file]);
        if (envFile is not null) all.AddRange(["--env-file", envFile]);
        all.AddRange(args);
        return RunAsync("docker-compose", all, timeout, environment: new Dictionary<string, string> { ["VMPLANT_SECRETS_DIR"] = secretsDir });
    }

    /// <summary>Runs a command to completion within a deadline; its stdout, or an exception with its stderr.</summary>
    public static async Task<string> RunAsync(string command, IReadOnlyList<string> args, TimeSpan? timeout = null,
        IReadOnlyDictionary<string, string>? environment = null, bool mergeStderr = false)
    {
        var info = new ProcessStartInfo(command) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args) info.ArgumentList.Add(arg);
        foreach (var (key, value) in environment ?? new Dictionary<string, string>()) info.Environment[key] = value;
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"could not run {command}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        var limit = timeout ?? CommandDeadline;
        using var deadline = new CancellationTokenSource(limit);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{command} {string.Join(" ", args)} did not finish within {limit.TotalSeconds:0} s");
        }
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{command} {string.Join(" ", args)} failed (exit {process.ExitCode}): {(await stderr).Trim()}");
        return mergeStderr ? await stdout + await stderr : await stdout;
    }
}

/// <summary>Where the container drill finds the repository's compose file and the offline images' variables.</summary>
public static class ComposeFiles
{
    /// <summary>docker-compose.yml in <paramref name="directory"/> or the nearest directory above it, or null.</summary>
    public static string? Find(string directory)
    {
        for (var dir = new DirectoryInfo(directory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "docker-compose.yml"))) return Path.Combine(dir.FullName, "docker-compose.yml");
        return null;
    }

    /// <summary>.build/docker/offline.env beside the compose file (written by deploy/docker/offline-images.sh), when present.</summary>
    public static string? OfflineEnv(string? composeFile) =>
        composeFile is null ? null : Path.Combine(Path.GetDirectoryName(Path.GetFullPath(composeFile))!, ".build", "docker", "offline.env") is var env && File.Exists(env) ? env : null;
}
