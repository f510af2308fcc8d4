using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Xml.Linq;

namespace VMPlant.Libvirt;

/// <summary>
/// An append-only file of changes to a test-driver host's node file, so a save writes only what changed instead of
/// the whole host: each frame holds the objects (domains and volumes) that changed since the previous frame, as
/// their whole XML, or a note that one is gone. <see cref="TestNodeState.Fold"/> applies frames to the node file.
/// </summary>
/// <remarks>
/// <para>Layout: a header line <c>vmplant-node-changes 1 GENERATION</c>, then frames, each a line
/// <c>LENGTH SHA256-PREFIX</c> followed by LENGTH bytes of UTF-8 XML (<c>&lt;changes&gt;</c>) and a line break. The
/// generation is the node file's (<see cref="TestNodeState.GenerationOf"/>): a log written against an older node file
/// than the one on disk is stale (its changes are in the node file already) and is ignored.</para>
/// <para>Reading stops at the first frame that is cut short or does not match its hash (a crash during an append):
/// that frame was never acknowledged, and nothing after it was written.</para>
/// </remarks>
public static class TestNodeChangeLog
{
    private const string Magic = "vmplant-node-changes 1";

    /// <summary>The header line of a log that applies to the node file of <paramref name="generation"/>.</summary>
    public static byte[] Header(long generation) => Encoding.ASCII.GetBytes($"{Magic} {generation.ToString(CultureInfo.InvariantCulture)}\n");

    /// <summary>One frame: the <c>&lt;changes&gt;</c> element with its length and hash.</summary>
    public static byte[] Frame(XElement changes)
    {
        var payload = Encoding.UTF8.GetBytes(changes.ToString(SaveOptions.DisableFormatting));
        var head = Encoding.ASCII.GetBytes($"{payload.Length.ToString(CultureInfo.InvariantCulture)} {Hash(payload)}\n");
        var frame = new byte[head.Length + payload.Length + 1];
        head.CopyTo(frame, 0);
        payload.CopyTo(frame, head.Length);
        frame[^1] = (byte)'\n';
        return frame;
    }

    /// <summary>A frame's <c>&lt;changes&gt;</c>: <paramref name="objects"/> as they are now, and the names of those now gone.</summary>
    public static XElement Changes(IEnumerable<XElement> objects, IEnumerable<(string Kind, string Name)> gone) =>
        new("changes", objects, gone.Select(g => new XElement("gone", new XAttribute("kind", g.Kind), new XAttribute("name", g.Name))));

    /// <summary>
    /// The complete frames of the log at <paramref name="path"/> if it applies to <paramref name="generation"/>, in
    /// order; none when the file is missing, stale or unreadable from its header on.
    /// </summary>
    public static IReadOnlyList<XElement> Read(string path, long generation)
    {
        if (!File.Exists(path)) return [];
        var bytes = File.ReadAllBytes(path);
        var header = Header(generation);
        if (bytes.Length < header.Length || !bytes.AsSpan(0, header.Length).SequenceEqual(header)) return [];
        var frames = new List<XElement>();
        var at = header.Length;
        while (TryReadFrame(bytes, ref at) is { } frame) frames.Add(frame);
        return frames;
    }

    private static XElement? TryReadFrame(byte[] bytes, ref int at)
    {
        var lineEnd = Array.IndexOf(bytes, (byte)'\n', at);
        if (lineEnd < 0) return null;
        var parts = Encoding.ASCII.GetString(bytes, at, lineEnd - at).Split(' ');
        if (parts.Length != 2 || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var length)) return null;
        var start = lineEnd + 1;
        if (length > bytes.Length - start - 1 || bytes[start + length] != (byte)'\n') return null;
        var payload = bytes.AsSpan(start, length);
        if (Hash(payload) != parts[1]) return null;
        try
        {
            var changes = XElement.Parse(Encoding.UTF8.GetString(payload), LoadOptions.PreserveWhitespace);
            at = start + length + 1;
            return changes;
        }
        catch (System.Xml.XmlException)
        {
            return null;
        }
    }

    private static string Hash(ReadOnlySpan<byte> payload) => Convert.ToHexStringLower(SHA256.HashData(payload).AsSpan(0, 8));
}
