using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using VMPlant.Actors.Domain;
using VMPlant.Bench.Chaos;
using VMPlant.Host.Configuration;
using VMPlant.Host.Node;
using VMPlant.Messages;

namespace VMPlant.Bench;

/// <summary>
/// `bench real`: the seed paper's comparison on this machine with real guests. A node process with one real plant
/// (qemu:///system, a pool of its own) creates each real example spec twice — uncached (from the OS base image, every
/// action performed) and cached (from the image the first create published, 0 actions) — and reports wall time on the
/// client, time on the plant, the guest's boot time and each action's time; plus a qcow2 overlay vs a full copy of the
/// Debian base image, and the load average beside it all. Not part of `all`: it needs a hypervisor and takes minutes.
/// </summary>
public static class RealSuite
{
    private static readonly string[] Specs = ["real-busybox-job.conf", "real-debian-hello.conf"];

    public sealed record CreateRow(string Spec, string Mode, double WallSeconds, double PlantSeconds, double BootSeconds, int Performed,
        IReadOnlyDictionary<string, double> ActionSeconds);

    public sealed record Result(double LoadBefore, double LoadAfter, IReadOnlyList<CreateRow> Creates, double OverlaySeconds, double FullCopySeconds, long FullCopyBytes);

    public static async Task<int> RunAsync(bool json, TextWriter stdout)
    {
        var imageDir = Environment.GetEnvironmentVariable("VMPLANT_IMAGE_DIR") is { Length: > 0 } d ? d : "/var/cache/vmplant/images/current";
        foreach (var file in new[] { "vmlinuz", "initrd.img", "busybox.qcow2", "debian-12.qcow2" })
            if (!File.Exists(Path.Combine(imageDir, file)))
            {
                await Console.Error.WriteLineAsync($"error: {Path.Combine(imageDir, file)} missing: run ./vmplant image build first");
                return 1;
            }
        var work = Path.Combine(Path.GetTempPath(), $"vmplant-bench-real-{Guid.NewGuid():N}");
        var pool = $"vmplant-bench-{Guid.NewGuid().ToString("N")[..8]}";
        Directory.CreateDirectory(work);
        var hocon = Path.Combine(AppContext.BaseDirectory, "hocon");
        var config = Path.Combine(work, "real.conf");
        await File.WriteAllTextAsync(config, $$"""
            vmplant.plants = [ { name = real } ]
            vmplant.plant-defaults {
              uri = "qemu:///system", domain-type = qemu, backend = qemu, pool = "{{pool}}", base-image-gib = 1, clone-cost = 1
              real { image-dir = "{{imageDir}}", pool-dir = "{{work}}/pools", console-dir = "{{work}}/console", work-dir = "{{work}}/work" }
              seed-images = [
                { spec = "{{hocon}}/images/busybox.conf", up-to = [os], qcow2 = "{{imageDir}}/busybox.qcow2" }
                { spec = "{{hocon}}/images/debian-12.conf", up-to = [os], qcow2 = "{{imageDir}}/debian-12.qcow2" }
              ]
            }
            """);
        var loadBefore = LoadAverage();
        var rows = new List<CreateRow>();
        NodeProcess? node = null;
        try
        {
            node = NodeProcess.Start("real", "127.0.0.1", FreePort(), null, Path.Combine(work, "node"), config, new Dictionary<string, string>());
            await node.WaitListeningAsync(TimeSpan.FromSeconds(120));
            var deadline = DateTime.UtcNow.AddMinutes(3);
            while (!node.LogLines().Any(l => l.Contains("Plant real registered", StringComparison.Ordinal)) && DateTime.UtcNow < deadline)
                await Task.Delay(200);
            await using var client = await VmPlantClient.ConnectAsync(NodeConfig.Load(), [node.Receptionist]);
            foreach (var file in Specs)
            {
                var spec = VmSpecParser.ParseFile(Path.Combine(hocon, "examples", file));
                foreach (var mode in new[] { "uncached", "cached" })
                {
                    await Console.Error.WriteLineAsync($"bench real: {file} {mode}…");
                    rows.Add(await CreateAndDestroyAsync(client, file, mode, spec));
                }
            }
        }
        catch (InvalidOperationException e)
        {
            await Console.Error.WriteLineAsync($"error: {e.Message}");
            return 1;
        }
        finally
        {
            if (node is not null) await node.DisposeAsync();
            Virsh("pool-destroy", pool);
            Virsh("pool-undefine", pool);
        }
        var (overlay, copy, bytes) = await CopyTimesAsync(Path.Combine(imageDir, "debian-12.qcow2"), work);
        try { Directory.Delete(work, recursive: true); } catch (IOException) { }
        var result = new Result(loadBefore, LoadAverage(), rows, overlay, copy, bytes);
        await stdout.WriteLineAsync(json ? JsonSerializer.Serialize(result, new JsonSerializerOptions { WriteIndented = true }) : Render(result));
        return 0;
    }

    private static async Task<CreateRow> CreateAndDestroyAsync(VmPlantClient client, string file, string mode, VmSpec spec)
    {
        var clock = Stopwatch.StartNew();
        var answer = await client.AskAsync(new CreateVm(Guid.NewGuid().ToString("N"), spec), TimeSpan.FromMinutes(10));
        var wall = clock.Elapsed.TotalSeconds;
        if (answer is not VmCreated created)
            throw new InvalidOperationException($"bench real: creating {file} ({mode}) failed: {answer}");
        await client.AskAsync(new DestroyVm(created.Vm.VmId), TimeSpan.FromMinutes(2));
        return new CreateRow(file, mode, Math.Round(wall, 2), Math.Round(created.Report.ElapsedMs / 1000, 2), created.Vm.Guest?.BootSeconds ?? 0,
            created.Report.PerformedActionIds.Length,
            created.Vm.Actions.Where(a => a.Output is not null).ToDictionary(a => $"{a.Id} ({a.Kind})", a => a.Output!.Seconds));
    }

    /// <summary>What a VM's disk costs to make: a copy-on-write overlay vs a full copy of the base image (median of 3).</summary>
    private static async Task<(double Overlay, double Copy, long Bytes)> CopyTimesAsync(string baseImage, string work)
    {
        var overlay = new List<double>();
        var copy = new List<double>();
        long bytes = 0;
        for (var i = 0; i < 3; i++)
        {
            var target = Path.Combine(work, $"t{i}.qcow2");
            overlay.Add(await TimeAsync("qemu-img", "create", "-q", "-f", "qcow2", "-b", baseImage, "-F", "qcow2", target));
            File.Delete(target);
            copy.Add(await TimeAsync("qemu-img", "convert", "-O", "qcow2", baseImage, target));
            bytes = new FileInfo(target).Length;
            File.Delete(target);
        }
        return (overlay.Order().ElementAt(1), copy.Order().ElementAt(1), bytes);
    }

    private static async Task<double> TimeAsync(string program, params string[] args)
    {
        var clock = Stopwatch.StartNew();
        var result = await VMPlant.Libvirt.Qemu.HostCommand.CheckAsync(program, args, TimeSpan.FromMinutes(5), CancellationToken.None);
        return Math.Round(clock.Elapsed.TotalSeconds, 3);
    }

    private static string Render(Result r)
    {
        var text = new StringBuilder()
            .AppendLine($"Real VMs on this machine (QEMU/TCG via libvirt qemu:///system; load average {F(r.LoadBefore)} before, {F(r.LoadAfter)} after)")
            .AppendLine("  spec                     create    wall (s)  on plant (s)  boot (s)  actions performed")
            .AppendLine("  -----------------------  --------  --------  ------------  --------  -----------------");
        foreach (var c in r.Creates)
            text.AppendLine($"  {c.Spec,-23}  {c.Mode,-8}  {F(c.WallSeconds),8}  {F(c.PlantSeconds),12}  {F(c.BootSeconds),8}  {c.Performed}");
        foreach (var spec in r.Creates.GroupBy(c => c.Spec))
        {
            var uncached = spec.First(c => c.Mode == "uncached").WallSeconds;
            var cached = spec.First(c => c.Mode == "cached").WallSeconds;
            text.AppendLine($"  {spec.Key}: cached create {F(uncached / cached)}× faster ({F(uncached - cached)} s saved)");
        }
        text.AppendLine("  action time (performed offline on the VM's disk):");
        foreach (var (action, seconds) in r.Creates.SelectMany(c => c.ActionSeconds))
            text.AppendLine($"    {action,-32} {F(seconds)} s");
        text.AppendLine($"  disk for a VM from the Debian base: qcow2 overlay {F(r.OverlaySeconds)} s, full copy {F(r.FullCopySeconds)} s ({r.FullCopyBytes / 1048576} MiB)");
        return text.ToString().TrimEnd();
    }

    private static string F(double value) => value.ToString("0.##", CultureInfo.InvariantCulture);

    private static double LoadAverage() =>
        double.Parse(File.ReadAllText("/proc/loadavg").Split(' ')[0], CultureInfo.InvariantCulture);

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static void Virsh(params string[] args)
    {
        var info = new ProcessStartInfo("virsh") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { "-c", "qemu:///system" }.Concat(args)) info.ArgumentList.Add(arg);
        using var process = Process.Start(info)!;
        process.WaitForExit();
    }
}
