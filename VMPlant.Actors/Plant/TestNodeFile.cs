using VMPlant.Actors.Diagnostics;
using VMPlant.Libvirt;

namespace VMPlant.Actors.Plant;

/// <summary>
/// The fake host of a test-driver plant: a node XML file in the plant's data directory, plus a log of the changes
/// saved since it was last written whole (<see cref="TestNodeChangeLog"/>, <c>node.changes</c> beside it). libvirt's
/// test driver keeps a host only in the memory of one connection, so the plant saves it back at every checkpoint; a
/// restarted process folds the log into the node file (<see cref="Open"/>) and opens the host exactly as the plant
/// last acknowledged it.
/// </summary>
/// <remarks>
/// <para>A checkpoint appends only the domains and volumes the plant changed since the last save (<see cref="Changed"/>
/// names them, after each change), in one frame and one fsync, instead of capturing and rewriting the whole host;
/// once the log outgrows the node file, the next save writes the host whole (a new generation) and starts a new log.</para>
/// <para>Saves coalesce (group commit for the file): one save runs at a time, on a thread of its own since it ends in
/// an fsync, and every checkpoint asked for while it runs is served by the next one, which captures every object
/// changed before it began. A caller's task completes only once a save begun after its request is on disk.</para>
/// </remarks>
public sealed class TestNodeFile
{
    /// <summary>The log is folded into a whole save once it is this many times the node file's size (and at least <see cref="MinLogBytes"/>).</summary>
    private const int LogToNodeRatio = 4;
    private const long MinLogBytes = 1 << 20;

    private readonly object _gate = new();
    // The save that checkpoints asked for now will share; null when none is waiting.
    private TaskCompletionSource? _nextSave;
    private bool _saving;
    // Objects changed since the save under way began; the next save writes them.
    private HashSet<(string Kind, string Name)> _changed = [];
    // The next save writes the whole host: asked for by SaveAsync, or the log cannot be appended to.
    private bool _wholeWanted;
    // Touched only by the one saving thread.
    private FileStream? _log;
    private long _generation = -1;
    private long _nodeBytes;

    private TestNodeFile(string path, TestNodeDefinition definition)
    {
        Path = path;
        Definition = definition;
    }

    public string Path { get; }

    public string LogPath => LogPathOf(Path);

    public TestNodeDefinition Definition { get; }

    public string Uri => "test://" + Path;

    /// <summary>The plant's node file, written fresh from its configured size on first use.</summary>
    public static TestNodeFile For(PlantSettings settings)
    {
        var directory = System.IO.Path.GetFullPath(System.IO.Path.Combine(settings.DataDir, "plants", settings.Name));
        var size = settings.TestNode;
        var definition = new TestNodeDefinition(size.Cpus, size.MemoryMiB, settings.Pool, size.PoolGiB << 30,
            PoolPath: System.IO.Path.Combine(directory, "images"));
        var file = new TestNodeFile(System.IO.Path.Combine(directory, "node.xml"), definition);
        if (!File.Exists(file.Path))
        {
            Directory.CreateDirectory(directory);
            TestNodeState.SaveAtomically(file.Path, TestNodeXml.Build(definition));
        }
        return file;
    }

    /// <summary>
    /// Folds the change log into the node file (a new generation, written atomically before the log is dropped, so a
    /// crash in between only replays a stale log that is then ignored) and opens the host. Only the plant that owns the
    /// file may call this, before it saves anything.
    /// </summary>
    public LibvirtConnection Open()
    {
        var saved = File.ReadAllText(Path);
        var generation = TestNodeState.GenerationOf(saved);
        var frames = TestNodeChangeLog.Read(LogPath, generation);
        if (frames.Count > 0)
        {
            generation++;
            TestNodeState.SaveAtomically(Path, TestNodeState.WithGeneration(TestNodeState.Fold(saved, frames), generation));
        }
        if (File.Exists(LogPath)) File.Delete(LogPath);
        return LibvirtConnection.Open(Uri);
    }

    /// <summary>The host as saved at <paramref name="nodeFile"/> with its change log folded in: what a restart would open. Changes no file.</summary>
    public static string SavedXml(string nodeFile)
    {
        var saved = File.ReadAllText(nodeFile);
        return TestNodeState.Fold(saved, TestNodeChangeLog.Read(LogPathOf(nodeFile), TestNodeState.GenerationOf(saved)));
    }

    /// <summary>A connection to a copy of the host as saved at <paramref name="nodeFile"/> (<see cref="SavedXml"/>), for inspection.</summary>
    public static LibvirtConnection OpenSaved(string nodeFile)
    {
        var copy = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"vmplant-saved-host-{Guid.NewGuid():N}.xml");
        File.WriteAllText(copy, SavedXml(nodeFile));
        try
        {
            return LibvirtConnection.Open("test://" + copy); // the test driver reads the file once, at open
        }
        finally
        {
            File.Delete(copy);
        }
    }

    /// <summary>Notes that the named domain or volume changed (call it after the change): the next save writes it.</summary>
    public void Changed(HostObject kind, string name)
    {
        lock (_gate) _changed.Add((kind == HostObject.Domain ? "domain" : "volume", name));
    }

    /// <summary>Completes once every change noted before this call is saved (appended to the change log).</summary>
    public Task SaveChangesAsync(LibvirtConnection connection) => Save(connection, whole: false);

    /// <summary>Completes once the connection's host, as it is now or later, is saved whole over the node file.</summary>
    public Task SaveAsync(LibvirtConnection connection) => Save(connection, whole: true);

    private Task Save(LibvirtConnection connection, bool whole)
    {
        lock (_gate)
        {
            _wholeWanted |= whole;
            _nextSave ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var saved = _nextSave.Task;
            if (!_saving)
            {
                _saving = true;
                Task.Factory.StartNew(() => SaveWhileAsked(connection), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
            }
            return saved;
        }
    }

    private void SaveWhileAsked(LibvirtConnection connection)
    {
        while (true)
        {
            TaskCompletionSource save;
            HashSet<(string Kind, string Name)> changed;
            bool whole;
            lock (_gate)
            {
                if (_nextSave is null)
                {
                    _saving = false;
                    return;
                }
                (save, changed, whole) = (_nextSave, _changed, _wholeWanted);
                (_nextSave, _changed, _wholeWanted) = (null, [], false);
            }
            try
            {
                if (_generation < 0) ReadGeneration();
                if (whole || _log is not null && _log.Length > Math.Max(MinLogBytes, LogToNodeRatio * _nodeBytes))
                    SaveWhole(connection);
                else if (changed.Count > 0)
                    Append(connection, changed);
                save.SetResult();
            }
            catch (Exception e)
            {
                lock (_gate) _wholeWanted = true; // the log may end in a torn frame: write the host whole next time
                CloseLog();
                save.SetException(e);
            }
        }
    }

    private void ReadGeneration()
    {
        var saved = File.ReadAllText(Path);
        (_generation, _nodeBytes) = (TestNodeState.GenerationOf(saved), saved.Length);
    }

    /// <summary>The whole host as a new generation of the node file; the old log is stale from the rename on.</summary>
    private void SaveWhole(LibvirtConnection connection)
    {
        var xml = TestNodeState.WithGeneration(TestNodeState.Capture(connection, Definition), _generation + 1);
        TestNodeState.SaveAtomically(Path, xml);
        _generation++;
        _nodeBytes = xml.Length;
        CloseLog();
        File.Delete(LogPath);
        VmPlantMetrics.HostSaved("whole", xml.Length);
    }

    /// <summary>The changed objects as they are now (or gone), in one frame, flushed to disk.</summary>
    private void Append(LibvirtConnection connection, IEnumerable<(string Kind, string Name)> changed)
    {
        var objects = new List<System.Xml.Linq.XElement>();
        var gone = new List<(string, string)>();
        foreach (var (kind, name) in changed.OrderBy(c => c.Kind, StringComparer.Ordinal).ThenBy(c => c.Name, StringComparer.Ordinal))
        {
            var captured = kind == "domain" ? TestNodeState.CaptureDomain(connection, name) : TestNodeState.CaptureVolume(connection, Definition, name);
            if (captured is null) gone.Add((kind, name));
            else objects.Add(captured);
        }
        var frame = TestNodeChangeLog.Frame(TestNodeChangeLog.Changes(objects, gone));
        var log = _log ??= OpenLog();
        log.Write(frame);
        log.Flush(flushToDisk: true);
        VmPlantMetrics.HostSaved("changes", frame.Length);
    }

    /// <summary>A new, empty log for the current generation (replacing any stale one), durable before the first append.</summary>
    private FileStream OpenLog()
    {
        TestNodeState.SaveAtomically(LogPath, System.Text.Encoding.ASCII.GetString(TestNodeChangeLog.Header(_generation)));
        var log = new FileStream(LogPath, FileMode.Open, FileAccess.Write, FileShare.Read);
        log.Seek(0, SeekOrigin.End);
        return log;
    }

    private void CloseLog()
    {
        _log?.Dispose();
        _log = null;
    }

    private static string LogPathOf(string nodeFile) => System.IO.Path.ChangeExtension(nodeFile, ".changes");
}

/// <summary>The kinds of host object a test-driver plant saves.</summary>
public enum HostObject
{
    Domain,
    Volume,
}
