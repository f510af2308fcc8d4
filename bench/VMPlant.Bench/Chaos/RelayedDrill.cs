using System.Diagnostics;

namespace VMPlant.Bench.Chaos;

/// <summary>
/// A drill that re-runs the harness somewhere else (a network namespace, a container's namespace) and leaves its
/// report in the work directory: started, its output logged to drill.log with progress lines relayed, bounded by a
/// deadline, and its report read back.
/// </summary>
internal static class RelayedDrill
{
    public const string ReportFile = "report.json";

    /// <param name="what">The drill's name for errors, e.g. "partition drill".</param>
    public static async Task<ChaosReport> RunAsync(ProcessStartInfo info, string work, string what, TimeSpan deadline, Action<string> progress)
    {
        var reportPath = Path.Combine(work, ReportFile);
        File.Delete(reportPath);
        using var drill = Process.Start(info) ?? throw new InvalidOperationException($"could not start the {what}");
        await using (var log = new StreamWriter(Path.Combine(work, "drill.log")) { AutoFlush = true })
        {
            void OnLine(string? line)
            {
                if (line is null) return;
                lock (log) log.WriteLine(line);
                if (line.StartsWith("… ", StringComparison.Ordinal)) progress(line[2..]);
            }
            drill.OutputDataReceived += (_, e) => OnLine(e.Data);
            drill.ErrorDataReceived += (_, e) => OnLine(e.Data);
            drill.BeginOutputReadLine();
            drill.BeginErrorReadLine();
            using var cancel = new CancellationTokenSource(deadline);
            try
            {
                await drill.WaitForExitAsync(cancel.Token);
            }
            catch (OperationCanceledException)
            {
                drill.Kill(entireProcessTree: true);
                throw new TimeoutException($"the {what} did not finish within {deadline.TotalMinutes:0} min (logs in {work})");
            }
            drill.WaitForExit(); // drains the output handlers
        }
        if (!File.Exists(reportPath))
            throw new InvalidOperationException($"the {what} ended (exit code {drill.ExitCode}) without a report; see {Path.Combine(work, "drill.log")}");
        return ChaosReport.FromJson(await File.ReadAllTextAsync(reportPath));
    }
}
