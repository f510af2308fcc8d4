using System.Diagnostics;
using System.Xml.Linq;
using VMPlant.Libvirt;
using Xunit;
using Xunit.Abstractions;

namespace VMPlant.Tests.Libvirt;

/// <summary>
/// A test-driver host saved with <see cref="TestNodeState"/> and reopened on a new connection, as a
/// restarted process would, is the same host.
/// </summary>
public sealed class TestNodeStateSpec : IDisposable
{
    private const string VmNamespace = "urn:vmplant:vm:1";
    private const string Images = "/var/lib/vmplant/images";

    private readonly ITestOutputHelper _output;
    private readonly FakeHost _host = new();
    private readonly LibvirtConnection _connection;
    private readonly StoragePool _pool;

    public TestNodeStateSpec(ITestOutputHelper output)
    {
        _output = output;
        _connection = _host.Open();
        _pool = _connection.LookupStoragePoolByName("images");
    }

    public void Dispose()
    {
        _pool.Dispose();
        _connection.Dispose();
        _host.Dispose();
    }

    private LibvirtDomain Define(string name, string? metadataXml = null) =>
        _connection.DefineDomain(DomainXml.Build(new DomainDefinition(
            name, Vcpus: 2, MemoryMiB: 512, DiskPath: $"{Images}/{name}",
            MetadataXml: metadataXml, MetadataNamespace: metadataXml is null ? null : VmNamespace)));

    /// <summary>Saves the host over its node file and opens a new connection on it: a restart.</summary>
    private LibvirtConnection SaveAndReopen()
    {
        TestNodeState.Save(_connection, _host.Definition, _host.NodeFile);
        return _host.Open();
    }

    private static IReadOnlyDictionary<string, DomainState> States(LibvirtConnection connection)
    {
        var domains = connection.ListAllDomains();
        try
        {
            return domains.ToDictionary(d => d.Name, d => d.GetState());
        }
        finally
        {
            foreach (var domain in domains)
                domain.Dispose();
        }
    }

    private static IReadOnlyDictionary<string, StorageVolumeInfo> Volumes(StoragePool pool)
    {
        var volumes = pool.ListAllVolumes();
        try
        {
            return volumes.ToDictionary(v => v.Name, v => v.GetInfo());
        }
        finally
        {
            foreach (var volume in volumes)
                volume.Dispose();
        }
    }

    [Fact]
    public void Reopened_host_has_the_same_domains_in_the_same_states()
    {
        using (var running = Define("vm-running"))
            running.Create();
        using (Define("vm-off"))
        {
        }
        using (var paused = Define("vm-paused"))
        {
            paused.Create();
            paused.Suspend();
        }
        using (var transient = Define("vm-transient"))
        {
            transient.Create();
            transient.Undefine();
        }
        string uuid;
        using (var domain = _connection.LookupDomainByName("vm-off"))
            uuid = domain.Uuid;

        using var reopened = SaveAndReopen();

        Assert.Equal(States(_connection), States(reopened));
        Assert.Equal(
            new Dictionary<string, DomainState>
            {
                ["vm-running"] = DomainState.Running,
                ["vm-off"] = DomainState.Shutoff,
                ["vm-paused"] = DomainState.Paused,
                ["vm-transient"] = DomainState.Running,
            },
            States(reopened));
        using var off = reopened.LookupDomainByName("vm-off");
        Assert.Equal(uuid, off.Uuid);
        Assert.True(off.IsPersistent());
        Assert.False(off.IsActive());
        using var transientAgain = reopened.LookupDomainByName("vm-transient");
        Assert.False(transientAgain.IsPersistent());
        // Shut-off domains are defined, not gone: they start on the reopened host.
        off.Create();
        Assert.Equal(DomainState.Running, off.GetState());
    }

    [Fact]
    public void Metadata_of_running_and_shut_off_domains_survives_the_reopen()
    {
        var hostile = "</owner><evil a='1'/> & \"quotes\"";
        using (var running = Define("vm-running", new XElement("vm", new XElement("owner", hostile)).ToString()))
        {
            running.Create();
            running.SetMetadata("<lease><until>2</until></lease>", "lease", "urn:vmplant:lease");
        }
        using (var off = Define("vm-off"))
            off.SetMetadata("<lease><until>1</until></lease>", "lease", "urn:vmplant:lease");
        string runningVm, runningLease, offLease;
        using (var running = _connection.LookupDomainByName("vm-running"))
        using (var off = _connection.LookupDomainByName("vm-off"))
        {
            runningVm = running.GetMetadata(VmNamespace)!;
            runningLease = running.GetMetadata("urn:vmplant:lease")!;
            offLease = off.GetMetadata("urn:vmplant:lease")!;
        }

        using var reopened = SaveAndReopen();

        using var runningAgain = reopened.LookupDomainByName("vm-running");
        using var offAgain = reopened.LookupDomainByName("vm-off");
        // The very text libvirt gave before, layout included.
        Assert.Equal(runningVm, runningAgain.GetMetadata(VmNamespace));
        Assert.Equal(runningLease, runningAgain.GetMetadata("urn:vmplant:lease"));
        Assert.Equal(offLease, offAgain.GetMetadata("urn:vmplant:lease"));
        Assert.Null(offAgain.GetMetadata(VmNamespace));
        var vm = XElement.Parse(runningAgain.GetMetadata(VmNamespace)!);
        Assert.Equal(hostile, vm.Element(vm.Name.Namespace + "owner")!.Value);
        Assert.Equal("1", XElement.Parse(offAgain.GetMetadata("urn:vmplant:lease")!).Element("until")!.Value);
    }

    [Fact]
    public void Reopened_pool_has_the_same_volumes_with_sizes_and_backing_store()
    {
        using var baseImage = _pool.CreateVolume(VolumeXml.Build("base", 2 * FakeHost.GiB));
        using (_pool.CreateVolume(VolumeXml.Build("vm-overlay", 3 * FakeHost.GiB, backingStorePath: baseImage.Path)))
        using (_pool.CloneVolume(VolumeXml.Build("vm-clone", 2 * FakeHost.GiB), baseImage))
        using (_pool.CreateVolume(VolumeXml.Build("raw", FakeHost.GiB, format: "raw")))
        {
        }

        using var reopened = SaveAndReopen();
        using var pool = reopened.LookupStoragePoolByName("images");

        Assert.Equal(Volumes(_pool), Volumes(pool));
        Assert.Equal(
            ["base", "raw", TestNodeXml.ReserveVolumeName, "vm-clone", "vm-overlay"],
            Volumes(pool).Keys.Order(StringComparer.Ordinal));
        Assert.Equal(3UL * FakeHost.GiB, Volumes(pool)["vm-overlay"].CapacityBytes);
        using var overlay = pool.LookupVolumeByName("vm-overlay");
        Assert.Equal($"{Images}/vm-overlay", overlay.Path);
        Assert.Equal(overlay.Path, overlay.Key);
        var backing = XElement.Parse(overlay.GetXmlDesc()).Element("backingStore")!;
        Assert.Equal(baseImage.Path, backing.Element("path")!.Value);
        Assert.Equal("qcow2", backing.Element("format")!.Attribute("type")!.Value);
        using var clone = pool.LookupVolumeByName("vm-clone");
        Assert.Null(XElement.Parse(clone.GetXmlDesc()).Element("backingStore"));
        using var raw = pool.LookupVolumeByName("raw");
        Assert.Equal("raw", XElement.Parse(raw.GetXmlDesc()).Element("target")!.Element("format")!.Attribute("type")!.Value);
    }

    [Fact]
    public void Reopened_pool_fills_up_at_the_same_point()
    {
        using (var baseImage = _pool.CreateVolume(VolumeXml.Build("base", 2 * FakeHost.GiB)))
        using (_pool.CreateVolume(VolumeXml.Build("vm-1", 3 * FakeHost.GiB, backingStorePath: baseImage.Path)))
        using (_pool.CloneVolume(VolumeXml.Build("vm-2", FakeHost.GiB), baseImage))
        {
        }
        var before = _pool.GetInfo();
        Assert.Equal(4UL * FakeHost.GiB, before.AvailableBytes);

        using var reopened = SaveAndReopen();
        using var pool = reopened.LookupStoragePoolByName("images");

        Assert.Equal(before, pool.GetInfo());
        var error = Assert.Throws<LibvirtException>(() =>
            pool.CreateVolume(VolumeXml.Build("too-big", (long)before.AvailableBytes + 1)));
        Assert.Contains("Not enough free space in pool", error.LibvirtMessage);
        using (pool.CreateVolume(VolumeXml.Build("exact-fit", (long)before.AvailableBytes)))
            Assert.Equal(0UL, pool.GetInfo().AvailableBytes);
        Assert.Throws<LibvirtException>(() => pool.CreateVolume(VolumeXml.Build("one-byte", 1)));
    }

    [Fact]
    public void Capture_of_a_reopened_host_is_the_same_text()
    {
        using (var baseImage = _pool.CreateVolume(VolumeXml.Build("base", 2 * FakeHost.GiB)))
        using (_pool.CreateVolume(VolumeXml.Build("vm-1", 2 * FakeHost.GiB, backingStorePath: baseImage.Path)))
        {
        }
        using (var running = Define("vm-1", "<vm><owner>alice</owner><tags><tag>a</tag><tag>b</tag></tags></vm>"))
            running.Create();
        using (Define("vm-2"))
        {
        }
        var first = TestNodeState.Capture(_connection, _host.Definition);

        using var reopened = SaveAndReopen();
        var second = TestNodeState.Capture(reopened, _host.Definition);

        Assert.Equal(first, second);
    }

    [Fact]
    public void Capture_after_deleting_a_domain_and_a_volume_leaves_them_out()
    {
        using (var volume = _pool.CreateVolume(VolumeXml.Build("vm-1", 2 * FakeHost.GiB)))
        using (_pool.CreateVolume(VolumeXml.Build("vm-2", 2 * FakeHost.GiB)))
        using (var domain = Define("vm-1"))
        using (Define("vm-2"))
        {
            domain.Create();
            TestNodeState.Save(_connection, _host.Definition, _host.NodeFile);

            domain.Destroy();
            domain.Undefine();
            volume.Delete();
        }

        using var reopened = SaveAndReopen();
        using var pool = reopened.LookupStoragePoolByName("images");

        Assert.Equal(["vm-2"], States(reopened).Keys);
        Assert.Equal([TestNodeXml.ReserveVolumeName, "vm-2"], Volumes(pool).Keys.Order(StringComparer.Ordinal));
        Assert.Equal(8UL * FakeHost.GiB, pool.GetInfo().AvailableBytes);
    }

    [Fact]
    public void Capture_of_an_untouched_host_reopens_as_the_built_one()
    {
        using var reopened = SaveAndReopen();
        using var pool = reopened.LookupStoragePoolByName("images");

        Assert.Empty(States(reopened));
        Assert.Equal([TestNodeXml.ReserveVolumeName], Volumes(pool).Keys);
        Assert.Equal(_pool.GetInfo(), pool.GetInfo());
        Assert.Equal(_connection.GetNodeInfo(), reopened.GetNodeInfo());
    }

    [Fact]
    public void Full_size_pool_keeps_a_volume_named_like_the_reserve()
    {
        using var host = new FakeHost(new TestNodeDefinition(2, 1024, "big", TestNodeXml.DriverPoolCapacityBytes));
        using (var connection = host.Open())
        using (var pool = connection.LookupStoragePoolByName("big"))
        {
            using (pool.CreateVolume(VolumeXml.Build(TestNodeXml.ReserveVolumeName, FakeHost.GiB)))
                TestNodeState.Save(connection, host.Definition, host.NodeFile);
        }

        using var reopened = host.Open();
        using var reopenedPool = reopened.LookupStoragePoolByName("big");

        Assert.Equal(FakeHost.GiB, (long)Volumes(reopenedPool)[TestNodeXml.ReserveVolumeName].CapacityBytes);
        Assert.Equal((ulong)(TestNodeXml.DriverPoolCapacityBytes - FakeHost.GiB), reopenedPool.GetInfo().AvailableBytes);
    }

    [Fact]
    public void Capture_needs_the_nodes_pool()
    {
        var error = Assert.Throws<LibvirtException>(() =>
            TestNodeState.Capture(_connection, _host.Definition with { PoolName = "elsewhere" }));

        Assert.Equal("virStoragePoolLookupByName", error.Operation);
    }

    [Fact]
    public void Saving_replaces_the_file_owner_only_and_leaves_no_temporary_file()
    {
        var path = Path.Combine(Path.GetDirectoryName(_host.NodeFile)!, "state.xml");
        File.WriteAllText(path, "old");

        TestNodeState.SaveAtomically(path, "<node>ü</node>");

        Assert.Equal("<node>ü</node>", File.ReadAllText(path));
        Assert.Equal("<n"u8.ToArray(), File.ReadAllBytes(path)[..2]); // no byte-order mark
        Assert.Equal(["node.xml", "state.xml"], Directory.GetFiles(Path.GetDirectoryName(path)!).Select(Path.GetFileName).Order());
        TestNodeState.SaveAtomically(Path.Combine(Path.GetDirectoryName(path)!, "new.xml"), "<node/>");
        if (!OperatingSystem.IsWindows())
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite,
                File.GetUnixFileMode(Path.Combine(Path.GetDirectoryName(path)!, "new.xml")));
    }

    [Fact]
    public void Saving_into_a_missing_directory_fails_and_writes_nothing()
    {
        var path = Path.Combine(Path.GetDirectoryName(_host.NodeFile)!, "missing", "state.xml");

        Assert.ThrowsAny<IOException>(() => TestNodeState.SaveAtomically(path, "<node/>"));

        Assert.False(Directory.Exists(Path.GetDirectoryName(path)));
    }

    [Fact]
    public async Task A_reader_never_sees_a_partly_written_file()
    {
        var path = Path.Combine(Path.GetDirectoryName(_host.NodeFile)!, "state.xml");
        // Big enough that a plain overwrite would be seen half done.
        var texts = Enumerable.Range(0, 4)
            .Select(i => new XElement("node", new XAttribute("writer", i),
                Enumerable.Range(0, 20_000).Select(j => new XElement("v", j))).ToString())
            .ToArray();
        TestNodeState.SaveAtomically(path, texts[0]);
        using var stop = new CancellationTokenSource();
        var reading = new TaskCompletionSource();
        var reads = 0;

        var reader = Task.Factory.StartNew(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                var text = File.ReadAllText(path);
                Assert.True(texts.Contains(text), $"Read {text.Length} characters that are not one whole save.");
                Interlocked.Increment(ref reads);
                reading.TrySetResult();
            }
        }, TaskCreationOptions.LongRunning);
        await reading.Task.WaitAsync(TimeSpan.FromSeconds(10));
        var writers = texts.Select(text => Task.Factory.StartNew(() =>
        {
            // At least 25 saves each, and on until the reader has had 200 looks (or has failed).
            for (var i = 0; i < 25 || (Volatile.Read(ref reads) < 200 && !reader.IsCompleted); i++)
                TestNodeState.SaveAtomically(path, text);
        }, TaskCreationOptions.LongRunning)).ToArray();
        await Task.WhenAll(writers);
        stop.Cancel();
        await reader;

        _output.WriteLine($"{reads} whole reads while {writers.Length} writers saved");
        Assert.True(reads >= 200);
        Assert.Equal(["node.xml", "state.xml"], Directory.GetFiles(Path.GetDirectoryName(path)!).Select(Path.GetFileName).Order());
    }

    [Fact]
    public void Measures_capture_and_save_of_200_domains_and_400_volumes()
    {
        using var host = new FakeHost(new TestNodeDefinition(64, 262_144, "images", 100 * FakeHost.GiB));
        using var connection = host.Open();
        using (var pool = connection.LookupStoragePoolByName("images"))
        {
            for (var i = 0; i < 200; i++)
            {
                using var baseImage = pool.CreateVolume(VolumeXml.Build($"base-{i}", 128L << 20));
                using var overlay = pool.CreateVolume(VolumeXml.Build($"vm-{i}", 128L << 20, backingStorePath: baseImage.Path));
                using var domain = connection.DefineDomain(DomainXml.Build(new DomainDefinition(
                    $"vm-{i}", 2, 1024, overlay.Path, SerialLogPath: $"/var/lib/vmplant/logs/vm-{i}.log",
                    MetadataXml: $"<vm><lease>{Guid.NewGuid()}</lease><owner>tenant-{i % 7}</owner></vm>", MetadataNamespace: VmNamespace)));
                if (i % 2 == 0)
                    domain.Create();
            }
        }
        TestNodeState.Save(connection, host.Definition, host.NodeFile); // warm-up (JIT)

        const int rounds = 10;
        var captures = new List<double>();
        var saves = new List<double>();
        var xml = "";
        for (var i = 0; i < rounds; i++)
        {
            var watch = Stopwatch.StartNew();
            xml = TestNodeState.Capture(connection, host.Definition);
            captures.Add(watch.Elapsed.TotalMilliseconds);
            watch.Restart();
            TestNodeState.SaveAtomically(host.NodeFile, xml);
            saves.Add(watch.Elapsed.TotalMilliseconds);
        }
        var open = Stopwatch.StartNew();
        using var reopened = host.Open();
        open.Stop();

        _output.WriteLine(
            $"200 domains (100 running) + 400 volumes, {xml.Length / 1024} KiB, {rounds} rounds: " +
            $"Capture mean {captures.Average():F1} ms (min {captures.Min():F1}), " +
            $"SaveAtomically mean {saves.Average():F1} ms (min {saves.Min():F1}); " +
            $"opening the saved file {open.Elapsed.TotalMilliseconds:F1} ms");
        Assert.Equal(200, States(reopened).Count);
        Assert.Equal(100, States(reopened).Values.Count(s => s == DomainState.Running));
        using var reopenedPool = reopened.LookupStoragePoolByName("images");
        Assert.Equal(400, Volumes(reopenedPool).Count); // a full-size pool has no reserve volume
    }
}
