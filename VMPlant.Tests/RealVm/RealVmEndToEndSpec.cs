using System.Diagnostics;
using System.Text.Json;
using VMPlant.Bench.Chaos;
using VMPlant.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace VMPlant.Tests.RealVm;

/// <summary>
/// Real guests under QEMU, end to end on real processes: a node process with one real plant (backend = qemu on
/// qemu:///system, a pool of its own), driven by the `vmplant` CLI as separate processes. The guest itself reports
/// what the actions did (vmplant-init prints it on the serial console), so nothing here is taken on the plant's word.
/// A handful of creates: TCG boots take 5-40 s depending on load.
/// </summary>
[Collection("failover")]
public sealed class RealVmEndToEndSpec(ITestOutputHelper output) : IAsyncLifetime
{
    private const string Greeting = "grid job ready";
    private readonly TempDirectory _data = new("vmplant-realvm");
    private readonly string _pool = $"vmplant-e2e-{Guid.NewGuid().ToString("N")[..8]}";
    private NodeProcess? _node;

    [RealVmFact]
    public async Task A_real_guest_reports_its_actions_and_a_second_create_reuses_the_published_image()
    {
        var spec = WriteSpec("job.conf", "job", $$"""
            { id = greeting, kind = copy-file, args = { content = "{{Greeting}}", target = "/etc/motd" }, after = [os], cost = 2 }
            { id = hello, kind = install-package, args = { packages = [hello] }, after = [os], cost = 120 }
            { id = run-hello, kind = run-script, args = { script = "hello > /etc/hello.out && echo 'file /etc/hello.out' >> /etc/vmplant/report" }, after = [hello, greeting], cost = 3 }
            """);
        await StartNodeAsync();

        // 1. Uncached: the Debian base image, three actions performed on the disk, the guest boots and reports them.
        var first = await CreateAsync(spec);
        var vm = first.GetProperty("vm");
        var report = first.GetProperty("report");
        Assert.Equal(["greeting", "hello", "run-hello"], Strings(report, "performedActionIds").Order().ToArray());
        var facts = Strings(vm.GetProperty("guest"), "facts");
        Assert.Contains($"file /etc/motd: {Greeting}", facts);
        Assert.Contains("file /etc/hello.out: Hello, world!", facts);
        Assert.Contains($"package hello {HostCandidateVersion("hello")}", facts);
        var shown = await CliJsonAsync("show", vm.GetProperty("vmId").GetString()!);
        foreach (var action in shown.GetProperty("actions").EnumerateArray().Where(a => a.GetProperty("id").GetString() != "os"))
            Assert.Equal(0, action.GetProperty("output").GetProperty("exitCode").GetInt32());
        Assert.Contains(shown.GetProperty("actions").EnumerateArray(),
            a => a.GetProperty("id").GetString() == "hello" && a.GetProperty("output").GetProperty("stdout").GetString()!.Contains("Setting up hello"));
        await DestroyAsync(vm);

        // 2. The same spec again: the image the first build published, 0 actions, and faster.
        var second = await CreateAsync(spec);
        Assert.Empty(Strings(second.GetProperty("report"), "performedActionIds"));
        Assert.Equal(4, Strings(second.GetProperty("report"), "skippedActionIds").Length);
        Assert.Contains($"file /etc/motd: {Greeting}", Strings(second.GetProperty("vm").GetProperty("guest"), "facts"));
        var uncachedMs = report.GetProperty("elapsedMs").GetDouble();
        var cachedMs = second.GetProperty("report").GetProperty("elapsedMs").GetDouble();
        output.WriteLine($"create on the plant: uncached {uncachedMs / 1000:F1} s, cached {cachedMs / 1000:F1} s");
        Assert.True(cachedMs < uncachedMs, $"cached create took {cachedMs} ms, uncached {uncachedMs} ms");
        await DestroyAsync(second.GetProperty("vm"));

        // 3. A spec sharing only the core (OS + hello) with other extras starts from the core image.
        var other = WriteSpec("other.conf", "other", """
            { id = hello, kind = install-package, args = { packages = [hello] }, after = [os], cost = 120 }
            { id = name, kind = set-property, args = { key = hostname, value = "solver-7" }, after = [os], cost = 1 }
            """);
        // The plant learned how long installing hello took here; its bid for the next spec charges that, not the declared 120 s.
        var estimate = await CliJsonAsync("estimate", other);
        var helloCost = estimate.GetProperty("bids")[0].GetProperty("costs").EnumerateArray().Single(c => c.GetProperty("actionId").GetString() == "hello");
        Assert.Equal("learned", helloCost.GetProperty("source").GetString());
        Assert.Equal(120, helloCost.GetProperty("declared").GetDouble());
        var third = await CreateAsync(other);
        Assert.Equal(["hello", "os"], Strings(third.GetProperty("report"), "skippedActionIds").Order().ToArray());
        Assert.Equal(["name"], Strings(third.GetProperty("report"), "performedActionIds"));
        Assert.Contains(Strings(third.GetProperty("vm").GetProperty("guest"), "facts"), f => f.StartsWith("booted ") && f.EndsWith(" solver-7"));
        await DestroyAsync(third.GetProperty("vm"));
    }

    [RealVmFact]
    public async Task A_failing_action_fails_the_vm_with_its_output_and_an_unknown_kind_is_refused_at_bid_time()
    {
        var failing = WriteSpec("failing.conf", "failing", """
            { id = doomed, kind = run-script, args = { script = "echo about to fail >&2; exit 3" }, after = [os], cost = 1 }
            """, distro: "{ distro = busybox }");
        var coffee = WriteSpec("coffee.conf", "coffee", """
            { id = brew, kind = make-coffee, args = { strength = strong }, after = [os], cost = 1 }
            """, distro: "{ distro = busybox }");
        await StartNodeAsync();
        var before = await CliJsonAsync("plants");

        var (code, stdout, _) = await CliAsync("--json", "create", failing);
        Assert.Equal(1, code);
        var reason = JsonDocument.Parse(stdout).RootElement.GetProperty("reason").GetString()!;
        Assert.Contains("action doomed (run-script) exited 3", reason);
        Assert.Contains("about to fail", reason);
        var after = await CliJsonAsync("plants");
        Assert.Equal(Images(before), Images(after));
        Assert.Equal(FreeMemory(before), FreeMemory(after));
        Assert.DoesNotContain(Volumes(), v => v.StartsWith("failing-", StringComparison.Ordinal));

        var estimate = await CliJsonAsync("estimate", coffee);
        Assert.Empty(estimate.GetProperty("bids").EnumerateArray());
        Assert.Contains("cannot perform action kind 'make-coffee'", estimate.GetProperty("declines")[0].GetProperty("reason").GetString());
    }

    private async Task StartNodeAsync()
    {
        var config = Path.Combine(_data.Path, "real.conf");
        var images = Path.Combine(RepoPaths.Root, "hocon", "images");
        await File.WriteAllTextAsync(config, $$"""
            vmplant.plants = [ { name = real } ]
            vmplant.plant-defaults {
              uri = "qemu:///system"
              domain-type = qemu
              backend = qemu
              pool = "{{_pool}}"
              base-image-gib = 1
              clone-cost = 1
              cache.max-gib = 40
              real {
                image-dir = "{{RealVmHost.ImageDir}}"
                pool-dir = "{{_data.Path}}/pools"
                console-dir = "{{_data.Path}}/console"
                work-dir = "{{_data.Path}}/work"
                boot-timeout = 240s
              }
              seed-images = [
                { spec = "{{images}}/busybox.conf", up-to = [os], qcow2 = "{{RealVmHost.ImageDir}}/busybox.qcow2" }
                { spec = "{{images}}/debian-12.conf", up-to = [os], qcow2 = "{{RealVmHost.ImageDir}}/debian-12.qcow2" }
              ]
            }
            """);
        _node = await TestNodes.StartAsync(_data.Path, config, output, "real");
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (!_node.LogLines().Any(l => l.Contains("Plant real registered", StringComparison.Ordinal)) && DateTime.UtcNow < deadline)
            await Task.Delay(200);
        Assert.Contains(_node.LogLines(), l => l.Contains("Plant real connected to qemu:///system", StringComparison.Ordinal));
    }

    private string WriteSpec(string file, string name, string actions, string distro = """{ distro = debian, release = "12" }""")
    {
        var path = Path.Combine(_data.Path, file);
        File.WriteAllText(path, $$"""
            name = "{{name}}"
            resources { vcpus = 1, memory-mib = 384, disk-gib = 3 }
            actions = [
              { id = os, kind = install-os, args = {{distro}}, cost = 600 }
            {{actions}}
            ]
            """);
        return path;
    }

    private async Task<JsonElement> CreateAsync(string spec)
    {
        var clock = Stopwatch.StartNew();
        var created = await CliJsonAsync("create", spec);
        output.WriteLine($"create {Path.GetFileName(spec)}: {clock.Elapsed.TotalSeconds:F1} s from the shell");
        return created;
    }

    private async Task DestroyAsync(JsonElement vm) => await CliJsonAsync("destroy", vm.GetProperty("vmId").GetString()!);

    private async Task<JsonElement> CliJsonAsync(params string[] args)
    {
        var (code, stdout, stderr) = await CliAsync(["--json", .. args]);
        Assert.True(code == 0, $"vmplant {string.Join(' ', args)} exited {code}: {stdout} {stderr}");
        return JsonDocument.Parse(stdout).RootElement.Clone();
    }

    /// <summary>The `vmplant` CLI as its own process, talking to the node through its receptionist.</summary>
    private async Task<(int Code, string Stdout, string Stderr)> CliAsync(params string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { NodeProcess.HostDll, "--node", _node!.Receptionist }.Concat(args)) info.ArgumentList.Add(arg);
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(6));
        await process.WaitForExitAsync(deadline.Token);
        output.WriteLine($"$ vmplant {string.Join(' ', args)} → {process.ExitCode}\n{await stdout}{await stderr}");
        return (process.ExitCode, await stdout, await stderr);
    }

    private static string[] Strings(JsonElement element, string property) =>
        element.GetProperty(property).EnumerateArray().Select(e => e.GetString()!).ToArray();

    private static string[] Images(JsonElement plants) =>
        plants.GetProperty("plants")[0].GetProperty("images").EnumerateArray().Select(i => i.GetProperty("imageId").GetString()!).Order().ToArray();

    private static long FreeMemory(JsonElement plants) => plants.GetProperty("plants")[0].GetProperty("free").GetProperty("memoryMiB").GetInt64();

    private string[] Volumes() => Run("virsh", "-c", "qemu:///system", "vol-list", _pool, "--name").Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>The version apt on this host would install: the plant resolves with the host's apt lists.</summary>
    private static string HostCandidateVersion(string package) =>
        Run("apt-cache", "policy", package).Split('\n').Select(l => l.Trim()).First(l => l.StartsWith("Candidate:", StringComparison.Ordinal))["Candidate:".Length..].Trim();

    private static string Run(string program, params string[] args)
    {
        var info = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args) info.ArgumentList.Add(arg);
        using var process = Process.Start(info)!;
        var text = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return text;
    }

    public Task InitializeAsync() => Task.CompletedTask;

    /// <summary>Stops the node, then removes whatever this test left with libvirt: its domains and its pool.</summary>
    public async Task DisposeAsync()
    {
        if (_node is not null) await _node.DisposeAsync();
        foreach (var domain in Run("virsh", "-c", "qemu:///system", "list", "--all", "--name").Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            if (domain.StartsWith("job-") || domain.StartsWith("other-") || domain.StartsWith("failing-"))
                if (Run("virsh", "-c", "qemu:///system", "dumpxml", domain).Contains(_pool, StringComparison.Ordinal))
                {
                    Run("virsh", "-c", "qemu:///system", "destroy", domain);
                    Run("virsh", "-c", "qemu:///system", "undefine", domain);
                }
        Run("virsh", "-c", "qemu:///system", "pool-destroy", _pool);
        Run("virsh", "-c", "qemu:///system", "pool-undefine", _pool);
        _data.Dispose();
    }
}
