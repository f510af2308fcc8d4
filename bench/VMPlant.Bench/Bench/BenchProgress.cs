using System.Diagnostics;

namespace VMPlant.Bench;

/// <summary>
/// Progress on standard error (standard output stays for the table or the JSON): one line per step, and on a
/// terminal a live counter that rewrites itself.
/// </summary>
public sealed class BenchProgress(TextWriter writer, bool quiet = false)
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly bool _live = !Console.IsErrorRedirected;
    private readonly object _gate = new();
    private bool _midLine;

    public static BenchProgress Silent => new(TextWriter.Null, quiet: true);

    public TimeSpan Elapsed => _clock.Elapsed;

    public void Step(string suite, string message)
    {
        if (quiet) return;
        lock (_gate)
        {
            EndLine();
            writer.WriteLine($"[{_clock.Elapsed.TotalSeconds,6:0.0}s] {suite,-11} {message}");
            writer.Flush();
        }
    }

    /// <summary>A counter that overwrites itself on a terminal; elsewhere nothing (the step lines suffice).</summary>
    public void Tick(string suite, string message)
    {
        if (quiet || !_live) return;
        lock (_gate)
        {
            writer.Write($"\r[{_clock.Elapsed.TotalSeconds,6:0.0}s] {suite,-11} {message}\u001b[K");
            writer.Flush();
            _midLine = true;
        }
    }

    private void EndLine()
    {
        if (!_midLine) return;
        writer.Write("\r\u001b[K");
        _midLine = false;
    }
}
