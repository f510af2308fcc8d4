using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Microsoft.Playwright;
using VMPlant.Bench.Chaos;
using VMPlant.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace VMPlant.Tests.Http;

/// <summary>
/// The dashboard in a real browser: Debian's headless Chromium driven by Playwright for .NET, against a real node
/// process. A VM created through the CLI appears on the open page without a reload (server-sent events); a screenshot
/// is kept as a test artifact in TestResults/dashboard.png.
/// </summary>
[Collection("failover")]
public sealed class DashboardBrowserSpec(ITestOutputHelper output) : IDisposable
{
    /// <summary>Debian's chromium package (test.sh installs it); Playwright cannot download browsers here.</summary>
    private const string SystemChromium = "/usr/bin/chromium";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);
    private readonly TempDirectory _data = new("vmplant-dashboard");

    [Fact]
    public async Task A_vm_created_through_the_cli_appears_on_the_open_dashboard_without_a_reload()
    {
        Assert.True(File.Exists(SystemChromium), $"{SystemChromium} is missing: install Debian's chromium package (test.sh does)");
        await using var node = await TestNodes.StartAsync(_data.Path, configFile: null, output, "node");
        using var http = new HttpProbe(node.HttpUrl!);
        await http.WaitForAsync("/health/ready", HttpStatusCode.OK, Patience);

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = SystemChromium,
            Headless = true,
            Args = ["--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"],
        });
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 1000 } });
        page.SetDefaultTimeout((float)Patience.TotalMilliseconds);
        await page.GotoAsync(node.HttpUrl!);
        await Assertions.Expect(page.Locator("#connection")).ToHaveTextAsync("live", new() { Timeout = (float)Patience.TotalMilliseconds });
        await Assertions.Expect(page.Locator(".card.plant")).ToHaveCountAsync(3, new() { Timeout = (float)Patience.TotalMilliseconds });
        // Marks this very page load: a reload would lose it.
        await page.EvaluateAsync("() => { window.loadMark = 'first-load'; }");

        var vmId = await CreateThroughCliAsync(node, Path.Combine(RepoPaths.Examples, "debian-mpi.conf"));

        var row = page.Locator($"tr.vm[data-vm='{vmId}']");
        await Assertions.Expect(row).ToBeVisibleAsync(new() { Timeout = (float)Patience.TotalMilliseconds });
        await Assertions.Expect(row).ToContainTextAsync("running");
        await Assertions.Expect(row).ToContainTextAsync("ssh-keys");
        var auction = page.Locator(".auction").Filter(new() { HasText = vmId });
        await Assertions.Expect(auction).ToContainTextAsync("won by medium", new() { Timeout = (float)Patience.TotalMilliseconds });
        await Assertions.Expect(auction.Locator("tr.winner")).ToContainTextAsync("medium");
        Assert.Equal("first-load", await page.EvaluateAsync<string>("() => window.loadMark"));

        var shot = Path.Combine(RepoPaths.Root, "TestResults", "dashboard.png");
        Directory.CreateDirectory(Path.GetDirectoryName(shot)!);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = shot, FullPage = true });
        output.WriteLine($"screenshot: {shot}");
    }

    /// <summary>`vmplant create SPEC --json` as its own process against the node; returns the new VM's id.</summary>
    private async Task<string> CreateThroughCliAsync(NodeProcess node, string spec)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { NodeProcess.HostDll, "create", spec, "--node", node.Receptionist, "--json" }) info.ArgumentList.Add(arg);
        using var cli = Process.Start(info)!;
        var stdout = cli.StandardOutput.ReadToEndAsync();
        var stderr = cli.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(Patience);
        await cli.WaitForExitAsync(deadline.Token);
        output.WriteLine(await stderr);
        var json = await stdout;
        Assert.True(cli.ExitCode == 0, $"vmplant create exited {cli.ExitCode}: {json}");
        return JsonDocument.Parse(json).RootElement.GetProperty("vm").GetProperty("vmId").GetString()!;
    }

    public void Dispose() => _data.Dispose();
}
