using System.Runtime.InteropServices;
using System.Text;
using System.Xml.Linq;
using VMPlant.Libvirt.Interop;

namespace VMPlant.Libvirt;

/// <summary>
/// Makes a test-driver host outlive its process. The test driver keeps its host in memory and
/// never writes to the node file (see <see cref="LibvirtConnection"/>), so after every change the
/// plant captures the host as a node file and saves it over the file it opened; a restarted process
/// opening <c>test:///THAT/PATH.xml</c> finds the same domains and volumes.
/// </summary>
/// <remarks>
/// <para>How the test driver's node file expresses the state (checked on libvirt 9.0; the driver
/// source, src/test/test_driver.c, agrees):</para>
/// <list type="bullet">
/// <item>Each <c>/node/domain</c> is parsed as a persistent definition and <em>started</em> unless it
/// has <c>&lt;test:runstate&gt;</c> (namespace <see cref="TestDriverNamespace"/>) holding a
/// virDomainState number: 5 (shut off) leaves it defined but inactive, 3 makes it paused, others
/// start it and then set that state. <c>&lt;test:transient/&gt;</c> makes a running domain transient.
/// The driver reads these elements but never echoes them in domain XML.</item>
/// <item><c>&lt;metadata&gt;</c> is part of the domain definition and comes back unchanged.</item>
/// <item>Each <c>/node/pool/volume</c> is a volume, parsed like virStorageVolCreateXML's input, so
/// the volume's own XML (virStorageVolGetXMLDesc) can be put there: name, key, path, capacity,
/// allocation, format and &lt;backingStore&gt; all survive. The pool's allocation is the sum of
/// the volumes' allocations, as while it ran.</item>
/// </list>
/// <para>Not carried over: domain ids (reassigned on open), live-only changes to a running
/// domain's definition (the persistent one is saved, as a restart would boot it), managed-save
/// images, snapshots, and any pool but <see cref="TestNodeDefinition.PoolName"/>. The pool gets a
/// new UUID on every open, as it does from <see cref="TestNodeXml.Build"/>.</para>
/// </remarks>
public static class TestNodeState
{
    /// <summary>The namespace of the test driver's own domain elements (runstate, transient, …).</summary>
    public const string TestDriverNamespace = "http://libvirt.org/schemas/domain/test/1.0";

    private static readonly XNamespace Test = TestDriverNamespace;

    /// <summary>
    /// A node file describing the host behind <paramref name="connection"/> as it is now: the CPUs,
    /// memory and pool of <paramref name="node"/> (with the capacity reserve of
    /// <see cref="TestNodeXml"/>, regenerated), every other volume in that pool, and every domain in
    /// its current state with its metadata. Domains and volumes are sorted by name, so an unchanged
    /// host captures to the same text.
    /// </summary>
    /// <remarks>
    /// Not atomic: call it where no other thread changes the host meanwhile (e.g. from the actor that
    /// makes the changes). A domain or volume that vanishes while it runs is left out.
    /// Domain XML is taken with <see cref="DomainXmlFlags.Secure"/>, so the file holds any passwords
    /// the definitions have; <see cref="SaveAtomically"/> makes it readable by its owner only.
    /// </remarks>
    /// <exception cref="ArgumentException"><paramref name="connection"/> is not a test-driver
    /// connection, or <paramref name="node"/> is invalid.</exception>
    /// <exception cref="LibvirtException">libvirt failed, e.g. there is no pool named
    /// <see cref="TestNodeDefinition.PoolName"/>.</exception>
    public static string Capture(LibvirtConnection connection, TestNodeDefinition node)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(node);
        if (!connection.Uri.StartsWith("test:", StringComparison.OrdinalIgnoreCase))
            throw new ArgumentException(
                $"Only a test-driver host can be captured as a node file, not '{connection.Uri}'.", nameof(connection));

        var volumes = CaptureVolumes(connection, node);
        var domains = CaptureDomains(connection);
        var root = TestNodeXml.Node(node, volumes, domains);
        root.Add(new XAttribute(XNamespace.Xmlns + "test", TestDriverNamespace));
        return root.ToString();
    }

    /// <summary>
    /// The domain named <paramref name="name"/> as <see cref="Capture"/> writes it, or null when there is none: one
    /// object of the host, for <see cref="TestNodeChangeLog"/>.
    /// </summary>
    public static XElement? CaptureDomain(LibvirtConnection connection, string name)
    {
        ArgumentNullException.ThrowIfNull(connection);
        if (connection.TryLookupDomainByName(name) is not { } domain) return null;
        using (domain)
            return Vanishable(() => CaptureDomain(domain), LibvirtErrorCodes.NoDomain);
    }

    /// <summary>The volume named <paramref name="name"/> in <paramref name="node"/>'s pool as <see cref="Capture"/> writes it, or null when there is none.</summary>
    public static XElement? CaptureVolume(LibvirtConnection connection, TestNodeDefinition node, string name)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(node);
        if (name == TestNodeXml.ReserveVolumeName && TestNodeXml.ReserveBytes(node) > 0) return null;
        using var pool = connection.LookupStoragePoolByName(node.PoolName);
        if (pool.TryLookupVolumeByName(name) is not { } volume) return null;
        using (volume)
        {
            var xml = Vanishable(volume.GetXmlDesc, LibvirtErrorCodes.NoStorageVol);
            return xml is null ? null : XElement.Parse(xml, LoadOptions.PreserveWhitespace);
        }
    }

    /// <summary>
    /// <paramref name="nodeXml"/> with the changes of <paramref name="frames"/> (see <see cref="TestNodeChangeLog"/>)
    /// applied in order: each domain or volume there replaces the one of its name, each <c>gone</c> removes one.
    /// </summary>
    public static string Fold(string nodeXml, IEnumerable<XElement> frames)
    {
        var root = XElement.Parse(StripGeneration(nodeXml), LoadOptions.PreserveWhitespace);
        var pool = root.Element("pool") ?? throw new ArgumentException("the node file has no pool", nameof(nodeXml));
        static string NameOf(XElement e) => e.Element("name")?.Value ?? "";
        foreach (var change in frames.SelectMany(f => f.Elements()))
        {
            var (kind, name) = change.Name.LocalName == "gone"
                ? ((string?)change.Attribute("kind") ?? "", (string?)change.Attribute("name") ?? "")
                : (change.Name.LocalName, NameOf(change));
            var parent = kind == "volume" ? pool : root;
            parent.Elements(kind).Where(e => NameOf(e) == name).Remove();
            if (change.Name.LocalName != "gone")
                parent.Add(new XText("\n  " + (kind == "volume" ? "  " : "")), Indented(new XElement(change), kind == "volume" ? "    " : "  "));
        }
        if (root.Attribute(XNamespace.Xmlns + "test") is null)
            root.Add(new XAttribute(XNamespace.Xmlns + "test", TestDriverNamespace));
        return root.ToString(SaveOptions.DisableFormatting);
    }

    private const string GenerationPrefix = "<!-- vmplant-generation ";

    /// <summary>
    /// How many times the node file was rewritten whole since it was first made (0 for a file without the mark), as its
    /// leading comment says; <see cref="TestNodeChangeLog"/> frames apply only to the generation they name.
    /// </summary>
    public static long GenerationOf(string nodeXml)
    {
        if (!nodeXml.StartsWith(GenerationPrefix, StringComparison.Ordinal)) return 0;
        var end = nodeXml.IndexOf(' ', GenerationPrefix.Length);
        return end > 0 && long.TryParse(nodeXml.AsSpan(GenerationPrefix.Length, end - GenerationPrefix.Length), out var generation) ? generation : 0;
    }

    /// <summary><paramref name="nodeXml"/> marked as generation <paramref name="generation"/> (an XML comment, which libvirt ignores).</summary>
    public static string WithGeneration(string nodeXml, long generation) =>
        $"{GenerationPrefix}{generation} -->\n{StripGeneration(nodeXml)}";

    private static string StripGeneration(string nodeXml) =>
        nodeXml.StartsWith(GenerationPrefix, StringComparison.Ordinal) ? nodeXml[(nodeXml.IndexOf('\n') + 1)..] : nodeXml;

    /// <summary><see cref="Capture"/>, then <see cref="SaveAtomically"/> to <paramref name="path"/>.</summary>
    public static void Save(LibvirtConnection connection, TestNodeDefinition node, string path) =>
        SaveAtomically(path, Capture(connection, node));

    /// <summary>
    /// Replaces <paramref name="path"/> with <paramref name="xml"/> (UTF-8) so that, whenever the
    /// process or machine stops, the file holds either the old text or the new, never part of one:
    /// the text goes to a new temporary file beside it, which is flushed to disk and renamed over
    /// <paramref name="path"/>, and then the directory is flushed so the rename itself is durable.
    /// The file is then readable and writable by its owner only, whatever its mode was before.
    /// </summary>
    /// <remarks>
    /// Concurrent saves to one path do not mix their texts; the last rename wins. A crash before the
    /// rename can leave a temporary file named <c>.FILENAME.*.tmp</c> in the directory; it is never
    /// read and may be deleted.
    /// </remarks>
    /// <exception cref="IOException">Writing, flushing or renaming failed, and <paramref name="path"/> is
    /// unchanged; or flushing the directory failed after the rename, which may then not survive a power cut.</exception>
    public static void SaveAtomically(string path, string xml)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(xml);
        var target = Path.GetFullPath(path);
        var directory = Path.GetDirectoryName(target)
            ?? throw new ArgumentException($"'{path}' names no file.", nameof(path));
        var temporary = Path.Combine(directory, $".{Path.GetFileName(target)}.{Guid.NewGuid():N}.tmp");
        try
        {
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
            if (!OperatingSystem.IsWindows())
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            using (var stream = new FileStream(temporary, options))
            {
                stream.Write(new UTF8Encoding(encoderShouldEmitUTF8Identifier: false).GetBytes(xml));
                stream.Flush(flushToDisk: true);
            }
            File.Move(temporary, target, overwrite: true); // rename(2) on Unix: atomic replacement
        }
        catch
        {
            TryDelete(temporary);
            throw;
        }
        FlushDirectory(directory);
    }

    private static List<XElement> CaptureVolumes(LibvirtConnection connection, TestNodeDefinition node)
    {
        var hasReserve = TestNodeXml.ReserveBytes(node) > 0;
        using var pool = connection.LookupStoragePoolByName(node.PoolName);
        var captured = new List<(string Name, XElement Xml)>();
        var volumes = pool.ListAllVolumes();
        try
        {
            foreach (var volume in volumes)
            {
                var name = volume.Name;
                if (hasReserve && name == TestNodeXml.ReserveVolumeName)
                    continue;
                var xml = Vanishable(volume.GetXmlDesc, LibvirtErrorCodes.NoStorageVol);
                if (xml is not null)
                    captured.Add((name, Indented(XElement.Parse(xml, LoadOptions.PreserveWhitespace), "    ")));
            }
        }
        finally
        {
            DisposeAll(volumes);
        }
        return captured.OrderBy(v => v.Name, StringComparer.Ordinal).Select(v => v.Xml).ToList();
    }

    private static List<XElement> CaptureDomains(LibvirtConnection connection)
    {
        var captured = new List<(string Name, XElement Xml)>();
        var domains = connection.ListAllDomains();
        try
        {
            foreach (var domain in domains)
            {
                var element = Vanishable(() => CaptureDomain(domain), LibvirtErrorCodes.NoDomain);
                if (element is not null)
                    captured.Add((domain.Name, Indented(element, "  ")));
            }
        }
        finally
        {
            DisposeAll(domains);
        }
        return captured.OrderBy(d => d.Name, StringComparer.Ordinal).Select(d => d.Xml).ToList();
    }

    /// <summary>
    /// The persistent definition (a transient domain has only its live one), without the id
    /// libvirt gives a running domain, plus the test driver's elements for its state.
    /// </summary>
    private static XElement CaptureDomain(LibvirtDomain domain)
    {
        var persistent = domain.IsPersistent();
        var state = domain.GetState();
        var flags = DomainXmlFlags.Secure | (persistent ? DomainXmlFlags.Inactive : DomainXmlFlags.None);
        var element = XElement.Parse(domain.GetXmlDesc(flags), LoadOptions.PreserveWhitespace);
        element.Attribute("id")?.Remove();
        foreach (var metadata in element.Elements("metadata"))
            RemoveLayout(metadata);
        // Before the closing tag's line break, so the element keeps libvirt's layout.
        var end = element.LastNode is XText { Value: var text } last && string.IsNullOrWhiteSpace(text) ? last : null;
        XNode[] added = persistent
            ? [new XText("\n  "), new XElement(Test + "runstate", (int)state)]
            : [new XText("\n  "), new XElement(Test + "transient"), new XText("\n  "), new XElement(Test + "runstate", (int)state)];
        if (end is null)
            element.Add(added);
        else
            end.AddBeforeSelf(added);
        return element;
    }

    /// <summary>
    /// Removes the whitespace libvirt put between the elements of <paramref name="element"/> to lay
    /// it out. libvirt keeps metadata as the XML nodes it was given, so layout left in would come
    /// back from <see cref="LibvirtDomain.GetMetadata"/> after a reopen, indented differently than before.
    /// Whitespace beside other text (mixed content) is content and stays.
    /// </summary>
    private static void RemoveLayout(XElement element)
    {
        var layout = element.DescendantNodesAndSelf().OfType<XElement>()
            .Where(e => e.Nodes().OfType<XText>().All(t => string.IsNullOrWhiteSpace(t.Value)))
            .SelectMany(e => e.Nodes().OfType<XText>())
            .ToList();
        foreach (var text in layout)
            text.Remove();
    }

    /// <summary>
    /// Shifts the layout libvirt gave <paramref name="element"/> (kept as whitespace text, since
    /// the element is parsed preserving whitespace) right by <paramref name="indent"/>, to its
    /// depth in the node file. Only whitespace-only text changes, which libvirt ignores.
    /// </summary>
    private static XElement Indented(XElement element, string indent)
    {
        foreach (var text in element.DescendantNodes().OfType<XText>().Where(t => string.IsNullOrWhiteSpace(t.Value)))
            text.Value = text.Value.Replace("\n", "\n" + indent);
        return element;
    }

    /// <summary><paramref name="read"/>'s result, or null when the object it reads is gone (libvirt error <paramref name="goneCode"/>).</summary>
    private static T? Vanishable<T>(Func<T> read, int goneCode) where T : class
    {
        try
        {
            return read();
        }
        catch (LibvirtException e) when (e.Code == goneCode)
        {
            return null;
        }
    }

    /// <summary>fsync on the directory, so a completed rename in it survives a power cut.</summary>
    private static void FlushDirectory(string directory)
    {
        if (!OperatingSystem.IsLinux())
            return; // libvirt, and so this layer, runs on Linux; elsewhere the rename is all we do.
        var fd = LibcNative.Open(directory, LibcNative.ReadOnly | LibcNative.CloseOnExec);
        if (fd < 0)
            throw new IOException($"Could not open directory '{directory}' to flush it: {Marshal.GetLastPInvokeErrorMessage()}");
        try
        {
            if (LibcNative.Fsync(fd) < 0 && Marshal.GetLastPInvokeError() != LibcNative.Einval)
                throw new IOException($"Could not flush directory '{directory}': {Marshal.GetLastPInvokeErrorMessage()}");
        }
        finally
        {
            LibcNative.Close(fd);
        }
    }

    private static void DisposeAll(IEnumerable<IDisposable> objects)
    {
        foreach (var o in objects)
            o.Dispose();
    }

    private static void TryDelete(string file)
    {
        try
        {
            File.Delete(file);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
