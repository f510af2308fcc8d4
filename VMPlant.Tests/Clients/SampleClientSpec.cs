using System.Diagnostics;
using VMPlant.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace VMPlant.Tests.Clients;

/// <summary>
/// samples/VMPlant.SampleClient, run as its own process against a real node process: the example a client author
/// copies must actually create, show, list and destroy a VM through the cluster-client receptionist.
/// </summary>
[Collection("failover")]
public sealed class SampleClientSpec(ITestOutputHelper output) : IDisposable
{
    private readonly TempDirectory _data = new();

    /// <summary>The sample's build output: same configuration and target framework as the tests (built by their ProjectReference).</summary>
    private static string SampleDll
    {
        get
        {
            var tfm = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
            var path = Path.Combine(RepoPaths.Root, "samples", "VMPlant.SampleClient", "bin", tfm.Parent!.Name, tfm.Name, "VMPlant.SampleClient.dll");
            return File.Exists(path) ? path : throw new FileNotFoundException($"the sample client is not built: {path}");
        }
    }

    [Fact]
    public async Task Sample_client_creates_shows_lists_and_destroys_a_vm_through_the_receptionist()
    {
        await using var node = await TestNodes.StartAsync(_data.Path, configFile: null, output, "node");
        // The embedded defaults run 3 plants; wait until they have registered with the shop.
        var ready = DateTime.UtcNow.AddSeconds(60);
        while (node.LogLines().Count(l => l.Contains("registered (", StringComparison.Ordinal)) < 3 && DateTime.UtcNow < ready)
            await Task.Delay(100);
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { SampleDll, Path.Combine(RepoPaths.Examples, "debian-mpi.conf"), node.Receptionist })
            info.ArgumentList.Add(arg);
        using var client = Process.Start(info)!;
        var stdout = client.StandardOutput.ReadToEndAsync();
        var stderr = client.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        await client.WaitForExitAsync(deadline.Token);
        var text = await stdout;
        output.WriteLine(text);
        output.WriteLine(await stderr);

        Assert.Equal(0, client.ExitCode);
        var created = Assert.Single(text.Split('\n'), l => l.StartsWith("created ", StringComparison.Ordinal));
        var vmId = created.Split(' ')[1];
        Assert.Matches(@"^created mpi-node-\w+ on plant \w+", created);
        Assert.Contains($"shown {vmId}: Running", text);
        Assert.Matches($@"listed \d+ VMs on \w+: .*{vmId}", text);
        Assert.Contains($"destroyed {vmId} on ", text);
    }

    public void Dispose() => _data.Dispose();
}
