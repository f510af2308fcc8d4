namespace VMPlant.Libvirt.Qemu;

/// <summary>
/// A stopped VM's qcow2 disk mounted on the host, so actions run at native speed before the guest ever boots:
/// qemu-storage-daemon exports the image as a raw file through FUSE, a loop device maps it, and the root
/// filesystem is mounted at <see cref="Root"/>. Disposing unmounts, detaches and stops the daemon, which flushes
/// the image; only then may it be copied or booted.
/// </summary>
public sealed class OfflineDisk : IAsyncDisposable
{
    private static readonly TimeSpan StepTimeout = TimeSpan.FromSeconds(60);
    private readonly string _workDir;
    private readonly string _export;
    private string? _loopDevice;
    private int? _daemonPid;
    private bool _mounted;

    private OfflineDisk(string workDir)
    {
        _workDir = workDir;
        _export = Path.Combine(workDir, "export.raw");
        Root = Path.Combine(workDir, "root");
    }

    /// <summary>Where the guest's root filesystem is mounted on the host.</summary>
    public string Root { get; }

    /// <param name="workDir">A directory of its own for this mount (created; removed on dispose).</param>
    public static async Task<OfflineDisk> MountAsync(string qcow2Path, string workDir, CancellationToken cancellation)
    {
        Directory.CreateDirectory(workDir);
        var disk = new OfflineDisk(workDir);
        try
        {
            await disk.MountAsync(qcow2Path, cancellation);
            return disk;
        }
        catch
        {
            await disk.DisposeAsync();
            throw;
        }
    }

    private async Task MountAsync(string qcow2Path, CancellationToken cancellation)
    {
        File.WriteAllBytes(_export, []);
        Directory.CreateDirectory(Root);
        var pidFile = Path.Combine(_workDir, "qsd.pid");
        await HostCommand.CheckAsync("qemu-storage-daemon",
        [
            "--blockdev", $"driver=file,node-name=file,filename={QemuOption(qcow2Path)}",
            "--blockdev", "driver=qcow2,node-name=disk,file=file",
            "--export", $"type=fuse,id=export,node-name=disk,mountpoint={QemuOption(_export)},writable=on",
            "--pidfile", pidFile, "--daemonize",
        ], StepTimeout, cancellation);
        _daemonPid = int.Parse(File.ReadAllText(pidFile).Trim(), System.Globalization.CultureInfo.InvariantCulture);
        _loopDevice = (await HostCommand.CheckAsync("losetup", ["--find", "--show", _export], StepTimeout, cancellation)).StdoutTail.Trim();
        await HostCommand.CheckAsync("mount", [_loopDevice, Root], StepTimeout, cancellation);
        _mounted = true;
    }

    /// <summary>Runs <paramref name="body"/> with the host's /proc and /dev bound into the guest root (for chroot programs).</summary>
    public async Task<T> WithKernelFileSystemsAsync<T>(Func<Task<T>> body, CancellationToken cancellation)
    {
        var proc = Path.Combine(Root, "proc");
        var dev = Path.Combine(Root, "dev");
        Directory.CreateDirectory(proc);
        Directory.CreateDirectory(dev);
        await HostCommand.CheckAsync("mount", ["-t", "proc", "proc", proc], StepTimeout, cancellation);
        try
        {
            await HostCommand.CheckAsync("mount", ["--bind", "/dev", dev], StepTimeout, cancellation);
            try
            {
                return await body();
            }
            finally
            {
                await HostCommand.RunAsync("umount", [dev], StepTimeout, CancellationToken.None);
            }
        }
        finally
        {
            await HostCommand.RunAsync("umount", [proc], StepTimeout, CancellationToken.None);
        }
    }

    /// <summary>Unmounts, detaches the loop device and stops the daemon (which flushes the qcow2). Errors are reported, then thrown.</summary>
    public async ValueTask DisposeAsync()
    {
        var problems = new List<string>();
        if (_mounted)
        {
            var r = await HostCommand.RunAsync("umount", [Root], StepTimeout, CancellationToken.None);
            if (!r.Succeeded) problems.Add($"umount {Root}: {r.Complaint}");
            _mounted = false;
        }
        if (_loopDevice is not null)
        {
            // The loop device writes through the page cache of the FUSE-exported file: flush those pages to the daemon
            // before it is stopped, or the last writes (seen: an action's final lines) never reach the qcow2.
            await HostCommand.RunAsync("blockdev", ["--flushbufs", _loopDevice], StepTimeout, CancellationToken.None);
            var synced = await HostCommand.RunAsync("sync", [_export], StepTimeout, CancellationToken.None);
            if (!synced.Succeeded) problems.Add($"sync {_export}: {synced.Complaint}");
            var r = await HostCommand.RunAsync("losetup", ["-d", _loopDevice], StepTimeout, CancellationToken.None);
            if (!r.Succeeded) problems.Add($"losetup -d {_loopDevice}: {r.Complaint}");
            _loopDevice = null;
        }
        if (_daemonPid is { } pid)
        {
            await StopDaemonAsync(pid);
            _daemonPid = null;
        }
        try
        {
            Directory.Delete(_workDir, recursive: true);
        }
        catch (IOException e)
        {
            problems.Add($"removing {_workDir}: {e.Message}");
        }
        if (problems.Count > 0)
            throw new HostCommandException("releasing an offline disk: " + string.Join("; ", problems));
    }

    /// <summary>SIGTERM, then waits (up to a minute) until the daemon is gone: it closes the image on the way out.</summary>
    private static async Task StopDaemonAsync(int pid)
    {
        await HostCommand.RunAsync("kill", ["-TERM", pid.ToString(System.Globalization.CultureInfo.InvariantCulture)], StepTimeout, CancellationToken.None);
        var deadline = DateTime.UtcNow + StepTimeout;
        while (IsAlive(pid) && DateTime.UtcNow < deadline)
            await Task.Delay(20);
    }

    private static bool IsAlive(int pid)
    {
        try
        {
            // A zombie has closed its files already; only its exit status is left to collect.
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var state = stat[(stat.LastIndexOf(')') + 2)..][0];
            return state != 'Z' && state != 'X';
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>QEMU's option syntax doubles a comma inside a value.</summary>
    private static string QemuOption(string value) => value.Replace(",", ",,", StringComparison.Ordinal);
}
