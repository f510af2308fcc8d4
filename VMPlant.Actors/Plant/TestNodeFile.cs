using VMPlant.Actors.Diagnostics;
using VMPlant.Libvirt;

namespace VMPlant.Actors.Plant;

/// <summary>
/// The fake host of a test-driver plant: a node XML file in the plant's data directory. libvirt's test driver keeps
/// a host only in the memory of one connection, so the plant saves it back here at every checkpoint; a restarted
/// process then opens the host exactly as the plant last acknowledged it.
/// </summary>
/// <remarks>
/// Saves coalesce (group commit for the file): one save runs at a time, on a thread of its own since it ends in
/// fsyncs, and every checkpoint asked for while it runs is served by the next one, which captures the host after
/// all of their changes. A caller's task completes only once a save begun after its request is on disk.
/// </remarks>
public sealed class TestNodeFile
{
    private readonly object _gate = new();
    // The save that checkpoints asked for now will share; null when none is waiting.
    private TaskCompletionSource? _nextSave;
    private bool _saving;

    private TestNodeFile(string path, TestNodeDefinition definition)
    {
        Path = path;
        Definition = definition;
    }

    public string Path { get; }

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

    /// <summary>Completes once the connection's host, as it is now or later, is saved over the file.</summary>
    public Task SaveAsync(LibvirtConnection connection)
    {
        lock (_gate)
        {
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
            lock (_gate)
            {
                if (_nextSave is null)
                {
                    _saving = false;
                    return;
                }
                save = _nextSave;
                _nextSave = null;
            }
            try
            {
                var xml = TestNodeState.Capture(connection, Definition);
                TestNodeState.SaveAtomically(Path, xml);
                VmPlantMetrics.HostSaved("whole", xml.Length);
                save.SetResult();
            }
            catch (Exception e)
            {
                save.SetException(e);
            }
        }
    }
}
