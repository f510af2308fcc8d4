using Xunit.Abstractions;

namespace VMPlant.Tests.Support;

/// <summary>What specs on real node processes share: waiting on an observable condition, and echoing node output.</summary>
public static class NodeProcessWaits
{
    /// <summary>Polls <paramref name="condition"/> until it holds (true) or <paramref name="patience"/> runs out (false).</summary>
    public static async Task<bool> Eventually(Func<bool> condition, TimeSpan patience)
    {
        var deadline = DateTime.UtcNow + patience;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) return false;
            await Task.Delay(200);
        }
        return true;
    }

    /// <summary>Writes a node's output line to the test's output, dropping it once the test has ended (late lines of a stopping node).</summary>
    public static void Echo(this ITestOutputHelper output, string line)
    {
        try { output.WriteLine(line); } catch (InvalidOperationException) { /* the test has ended */ }
    }
}
