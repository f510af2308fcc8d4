using VMPlant.Bench.Chaos;
using Xunit.Abstractions;

namespace VMPlant.Tests.Support;

/// <summary>
/// The real VMPlant host (vmplant.dll, built with the tests) as a separate OS process on a free loopback port, so
/// crash and client tests can kill it with SIGKILL like a power cut. Its output is echoed to the test's output.
/// </summary>
public static class TestNodes
{
    public static async Task<NodeProcess> StartAsync(string dataDir, string? configFile, ITestOutputHelper output, string name)
    {
        var node = NodeProcess.Start(name, "127.0.0.1", FreePort.Next(), roles: null, dataDir, configFile, new Dictionary<string, string>(),
            logFile: Path.Combine(dataDir, name + ".log"), echo: line => Echo(output, $"[{name}] {line}"));
        try
        {
            await node.WaitListeningAsync(TimeSpan.FromSeconds(60));
            return node;
        }
        catch
        {
            await node.DisposeAsync();
            throw;
        }
    }

    private static void Echo(ITestOutputHelper output, string line)
    {
        try
        {
            output.WriteLine(line);
        }
        catch (InvalidOperationException)
        {
            // The test already finished; its output helper no longer takes lines.
        }
    }
}
