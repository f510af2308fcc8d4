using System.Diagnostics;
using System.Text;

namespace VMPlant.Libvirt.Qemu;

/// <summary>
/// Runs a host program (qemu-storage-daemon, losetup, mount, chroot, apt-get, dpkg) with arguments passed as a list
/// (never through a shell), a time limit, and bounded memory: only the last <see cref="TailChars"/> characters of
/// each stream are kept.
/// </summary>
public static class HostCommand
{
    public const int TailChars = 4000;

    public static async Task<CommandResult> RunAsync(
        string program, IEnumerable<string> args, TimeSpan timeout, CancellationToken cancellation,
        IReadOnlyDictionary<string, string>? environment = null, string? workingDirectory = null, byte[]? stdin = null)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? "/",
        };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        foreach (var (key, value) in environment ?? new Dictionary<string, string>()) start.Environment[key] = value;
        var clock = Stopwatch.StartNew();
        using var process = new Process { StartInfo = start };
        var stdout = new Tail();
        var stderr = new Tail();
        process.OutputDataReceived += (_, e) => stdout.Add(e.Data);
        process.ErrorDataReceived += (_, e) => stderr.Add(e.Data);
        try
        {
            process.Start();
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            throw new HostCommandException($"cannot run {program}: {e.Message}");
        }
        try
        {
            if (stdin is not null) await process.StandardInput.BaseStream.WriteAsync(stdin, cancellation);
        }
        catch (IOException)
        {
            // The program exited without reading all of its input; its exit code says why.
        }
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        limit.CancelAfter(timeout);
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
            await process.WaitForExitAsync(CancellationToken.None);
            cancellation.ThrowIfCancellationRequested();
            return new CommandResult(124, stdout.Text, stderr.Text + $"\n{program} timed out after {timeout.TotalSeconds:F0} s", clock.Elapsed);
        }
        process.WaitForExit(); // drains the asynchronous readers
        return new CommandResult(process.ExitCode, stdout.Text, stderr.Text, clock.Elapsed);
    }

    /// <summary>Runs and throws <see cref="HostCommandException"/> with the command's complaint unless it exits 0.</summary>
    public static async Task<CommandResult> CheckAsync(string program, IEnumerable<string> args, TimeSpan timeout, CancellationToken cancellation)
    {
        var list = args.ToList();
        var result = await RunAsync(program, list, timeout, cancellation);
        if (!result.Succeeded)
            throw new HostCommandException($"{program} {string.Join(' ', list)} exited {result.ExitCode}: {Shorten(result.Complaint)}", result);
        return result;
    }

    public static string Shorten(string text, int max = 600) => text.Length <= max ? text : "…" + text[^max..];

    /// <summary>The last <see cref="TailChars"/> characters written to a stream, line by line.</summary>
    private sealed class Tail
    {
        private readonly StringBuilder _text = new();
        private readonly Lock _lock = new();

        public void Add(string? line)
        {
            if (line is null) return;
            lock (_lock)
            {
                _text.Append(line).Append('\n');
                if (_text.Length > 2 * TailChars) _text.Remove(0, _text.Length - TailChars);
            }
        }

        public string Text
        {
            get
            {
                lock (_lock) return _text.Length <= TailChars ? _text.ToString() : _text.ToString(_text.Length - TailChars, TailChars);
            }
        }
    }
}
