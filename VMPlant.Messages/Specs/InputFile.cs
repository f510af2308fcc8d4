using System.Runtime.InteropServices;
using System.Text;

namespace VMPlant.Messages.Specs;

/// <summary>
/// Reads a spec or configuration file a user named, in bounded time and memory: directories, FIFOs, devices
/// (<c>/dev/zero</c>) and sockets are refused before they are opened, and no more than the size limit is read.
/// </summary>
public static class InputFile
{
    /// <exception cref="InputFileException">The file is missing, special, too large, or not UTF-8 text.</exception>
    public static string ReadText(string path, int maxBytes, string limitKey)
    {
        ArgumentNullException.ThrowIfNull(path);
        var shown = Excerpt.Of(path, 120);
        if (path.Length == 0) throw new InputFileException("no file named (the path is empty)");
        if (Directory.Exists(path)) throw new InputFileException($"{shown} is a directory, not a file");
        if (!File.Exists(path)) throw new InputFileException($"{shown} does not exist");
        if (SpecialKind(path) is { } kind) throw new InputFileException($"{shown} is a {kind}, not a regular file");

        byte[] bytes;
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1, FileOptions.SequentialScan);
            if (stream.Length > maxBytes) throw TooLarge(shown, stream.Length, maxBytes, limitKey);
            // Read at most one byte more than allowed, whatever the length said (it may be growing, or report 0).
            var content = new MemoryStream();
            var chunk = new byte[64 * 1024];
            while (content.Length <= maxBytes
                   && stream.Read(chunk, 0, (int)Math.Min(chunk.Length, maxBytes + 1L - content.Length)) is var n and > 0)
                content.Write(chunk, 0, n);
            if (content.Length > maxBytes) throw TooLarge(shown, null, maxBytes, limitKey);
            bytes = content.ToArray();
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException and not InputFileException)
        {
            throw new InputFileException($"{shown} cannot be read: {Excerpt.Line(e.Message, 200)}");
        }

        try
        {
            return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes);
        }
        catch (DecoderFallbackException e)
        {
            throw new InputFileException($"{shown} is not UTF-8 text (invalid byte at offset {e.Index})");
        }
    }

    private static InputFileException TooLarge(string shown, long? size, int maxBytes, string limitKey) =>
        new($"{shown} is {(size is { } known ? $"{known:N0} bytes, " : "")}over the limit of {maxBytes:N0} bytes ({limitKey})");

    /// <summary>"FIFO", "character device"… for a path that is not a regular file (after symbolic links); null otherwise.</summary>
    private static string? SpecialKind(string path)
    {
        if (!OperatingSystem.IsLinux()) return null;
        // statx's layout is the same on every architecture: stx_mode is a 16-bit field at offset 28.
        var buffer = new byte[256];
        if (Statx(AtFdCwd, path, 0, StatxType, buffer) != 0) return null;
        var mode = BitConverter.ToUInt16(buffer, 28) & 0xF000;
        return mode switch
        {
            0x8000 => null,
            0x1000 => "FIFO",
            0x2000 => "character device",
            0x6000 => "block device",
            0xC000 => "socket",
            0x4000 => "directory",
            _ => "special file",
        };
    }

    private const int AtFdCwd = -100;
    private const uint StatxType = 0x1;

    [DllImport("libc", EntryPoint = "statx", SetLastError = true)]
    private static extern int Statx(int dirfd, [MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags, uint mask, byte[] buffer);
}

/// <summary>A named input file cannot be used; the message is one line and names the file.</summary>
public sealed class InputFileException(string message) : IOException(message);
