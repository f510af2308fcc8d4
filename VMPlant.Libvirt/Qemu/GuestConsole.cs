using System.Collections.Immutable;
using System.Diagnostics;
using System.Text;

namespace VMPlant.Libvirt.Qemu;

/// <summary>What the guest said about itself on its serial console before it declared itself ready.</summary>
/// <param name="Facts">The guest's own report: "file PATH: CONTENT", "package NAME VERSION", "sysctl KEY VALUE", "booted KERNEL HOST".</param>
public sealed record GuestReadiness(TimeSpan BootTime, ImmutableArray<string> Facts);

/// <summary>
/// Reads a guest's serial console log (a file libvirt's QEMU writes) until vmplant-init prints its ready marker.
/// The guest counts as running only then; a timeout, a guest that stopped, or a failure marker ends the wait with
/// the console's last lines in the error.
/// </summary>
public static class GuestConsole
{
    public const string ReadyMarker = "VMPLANT-READY";
    private const string Prefix = "VMPLANT-";
    private const int TailLines = 15;

    public static async Task<GuestReadiness> WaitReadyAsync(string logPath, Func<bool> guestAlive, TimeSpan timeout, CancellationToken cancellation)
    {
        var clock = Stopwatch.StartNew();
        var lines = new List<string>();
        var pending = new StringBuilder();
        long offset = 0;
        while (true)
        {
            offset = ReadNew(logPath, offset, pending, lines);
            var facts = lines.Where(l => l.StartsWith(Prefix, StringComparison.Ordinal)).ToList();
            if (facts.Any(l => l.Trim() == ReadyMarker))
                return new GuestReadiness(clock.Elapsed, [.. facts.Select(Fact).OfType<string>()]);
            if (facts.FirstOrDefault(l => l.StartsWith(Prefix + "FAILED", StringComparison.Ordinal)) is { } failed)
                throw new GuestNotReadyException($"the guest failed to boot: {failed}; console tail:\n{Tail(lines)}");
            if (clock.Elapsed > timeout)
                throw new GuestNotReadyException($"the guest did not report ready within {timeout.TotalSeconds:F0} s; console tail:\n{Tail(lines)}");
            if (!guestAlive())
            {
                ReadNew(logPath, offset, pending, lines);
                throw new GuestNotReadyException($"the guest stopped before it reported ready; console tail:\n{Tail(lines)}");
            }
            await Task.Delay(100, cancellation);
        }
    }

    /// <summary>The whole log's last lines, for `show` and errors.</summary>
    public static string Tail(string logPath)
    {
        var lines = new List<string>();
        ReadNew(logPath, 0, new StringBuilder(), lines);
        return Tail(lines);
    }

    private static string Tail(List<string> lines) => string.Join('\n', lines.TakeLast(TailLines));

    private static long ReadNew(string path, long offset, StringBuilder pending, List<string> lines)
    {
        if (!File.Exists(path)) return offset;
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        if (stream.Length <= offset) return offset;
        stream.Seek(offset, SeekOrigin.Begin);
        var buffer = new byte[stream.Length - offset];
        var read = stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
        pending.Append(Encoding.UTF8.GetString(buffer, 0, read));
        var text = pending.ToString();
        var cut = text.LastIndexOf('\n');
        if (cut >= 0)
        {
            lines.AddRange(text[..cut].Split('\n').Select(l => l.TrimEnd('\r')));
            pending.Clear().Append(text[(cut + 1)..]);
        }
        // Keep memory bounded however chatty the guest is: only the tail and the markers matter.
        if (lines.Count > 2000) lines.RemoveRange(0, lines.Count - 2000);
        return offset + read;
    }

    /// <summary>One marker line in readable form: file contents are sent base64-encoded.</summary>
    private static string? Fact(string line)
    {
        var parts = line.Trim().Split(' ', 3);
        return parts[0] switch
        {
            "VMPLANT-BOOTED" => "booted " + string.Join(' ', parts.Skip(1)),
            "VMPLANT-FILE" when parts.Length == 3 => $"file {parts[1]}: {Decode(parts[2])}",
            "VMPLANT-FILE" when parts.Length == 2 => $"file {parts[1]}: ",
            "VMPLANT-PACKAGE" or "VMPLANT-SYSCTL" => $"{parts[0][Prefix.Length..].ToLowerInvariant()} {string.Join(' ', parts.Skip(1))}",
            _ => null,
        };
    }

    private static string Decode(string base64)
    {
        try
        {
            return Encoding.UTF8.GetString(Convert.FromBase64String(base64)).TrimEnd('\n');
        }
        catch (FormatException)
        {
            return base64;
        }
    }
}

public sealed class GuestNotReadyException(string message) : Exception(message);
