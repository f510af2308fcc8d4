using System.Xml.Linq;
using VMPlant.Actors.Plant;
using VMPlant.Libvirt;
using VMPlant.Tests.Support;
using Xunit;

namespace VMPlant.Tests.Actors.Plant;

/// <summary>
/// A test-driver plant's node file and its change log: coalesced saves still cover every change made before each
/// checkpoint, a save appends only what changed, and a restart opens exactly the host last saved — also when the
/// process died in the middle of an append or between a whole save and dropping the old log.
/// </summary>
public sealed class PlantNodeFileSpec : IDisposable
{
    private readonly TempDirectory _data = new();

    private TestNodeFile NewFile(string name) => TestNodeFile.For(PlantSettingsBuilder.TestNode(name, _data.Path));

    private static void CreateVolume(TestNodeFile file, LibvirtConnection connection, string volume)
    {
        using var pool = connection.LookupStoragePoolByName(file.Definition.PoolName);
        using (pool.CreateVolume(VolumeXml.Build(volume, 1 << 20))) { }
        file.Changed(HostObject.Volume, volume);
    }

    private static void DefineDomain(TestNodeFile file, LibvirtConnection connection, string name, string marker)
    {
        var metadata = new XElement("vm", new XAttribute("id", name), new XAttribute("marker", marker));
        using var domain = connection.TryLookupDomainByName(name) ?? connection.DefineDomain(DomainXml.Build(new DomainDefinition(name, 1, 256, "/dev/null",
            MetadataXml: metadata.ToString(SaveOptions.DisableFormatting), MetadataNamespace: PlantHypervisor.MetadataNamespace)));
        if (!domain.IsActive()) domain.Create();
        domain.SetMetadata(metadata.ToString(SaveOptions.DisableFormatting), "vmplant", PlantHypervisor.MetadataNamespace);
        file.Changed(HostObject.Domain, name);
    }

    private static HashSet<string> Volumes(LibvirtConnection connection)
    {
        using var pool = connection.LookupStoragePoolByName("vmplant");
        return pool.ListAllVolumes().Select(v => { using (v) return v.Name; }).ToHashSet();
    }

    private static HashSet<string> Domains(LibvirtConnection connection) =>
        connection.ListAllDomains().Select(d => { using (d) return d.Name; }).ToHashSet();

    [Fact]
    public async Task Concurrent_checkpoints_each_find_their_own_change_in_the_saved_host()
    {
        var file = NewFile("nf");
        using var connection = file.Open();

        var checkpoints = Enumerable.Range(0, 24).Select(i => Task.Run(async () =>
        {
            var volume = $"vol-{i:D2}";
            CreateVolume(file, connection, volume);
            await file.SaveChangesAsync(connection);
            Assert.Contains($"<name>{volume}</name>", TestNodeFile.SavedXml(file.Path));
        }));
        await Task.WhenAll(checkpoints);

        using var reopened = TestNodeFile.OpenSaved(file.Path);
        Assert.All(Enumerable.Range(0, 24), i => Assert.Contains($"vol-{i:D2}", Volumes(reopened)));
    }

    [Fact]
    public async Task A_checkpoint_appends_only_what_changed_and_a_restart_folds_it_into_the_node_file()
    {
        var file = NewFile("inc");
        using (var connection = file.Open())
        {
            for (var i = 0; i < 10; i++) CreateVolume(file, connection, $"img-{i}");
            DefineDomain(file, connection, "vm-a", "first");
            await file.SaveChangesAsync(connection);
            var nodeBefore = File.ReadAllText(file.Path);
            var logBefore = new FileInfo(file.LogPath).Length;

            DefineDomain(file, connection, "vm-a", "second"); // changed in place
            using (var pool = connection.LookupStoragePoolByName("vmplant"))
            using (var volume = pool.LookupVolumeByName("img-3"))
                volume.Delete();
            file.Changed(HostObject.Volume, "img-3");
            await file.SaveChangesAsync(connection);

            Assert.Equal(nodeBefore, File.ReadAllText(file.Path)); // the node file is not rewritten
            var appended = new FileInfo(file.LogPath).Length - logBefore;
            Assert.InRange(appended, 1, 4096); // one domain and one removal, not the whole host
        }

        using (var restarted = file.Open())
        {
            Assert.False(File.Exists(file.LogPath));
            Assert.Equal(Enumerable.Range(0, 10).Where(i => i != 3).Select(i => $"img-{i}").ToHashSet(), Volumes(restarted).Where(v => v.StartsWith("img-")).ToHashSet());
            using var domain = restarted.LookupDomainByName("vm-a");
            Assert.Equal(DomainState.Running, domain.GetState());
            Assert.Contains("marker=\"second\"", domain.GetMetadata(PlantHypervisor.MetadataNamespace));
        }
    }

    [Fact]
    public async Task A_log_cut_anywhere_in_its_last_append_recovers_exactly_the_saves_before_it()
    {
        var file = NewFile("torn");
        byte[] complete;
        long beforeLast;
        using (var connection = file.Open())
        {
            CreateVolume(file, connection, "kept-1");
            await file.SaveChangesAsync(connection);
            CreateVolume(file, connection, "kept-2");
            await file.SaveChangesAsync(connection);
            beforeLast = new FileInfo(file.LogPath).Length;
            CreateVolume(file, connection, "torn");
            DefineDomain(file, connection, "torn-vm", "x");
            await file.SaveChangesAsync(connection);
            complete = File.ReadAllBytes(file.LogPath);
        }
        var node = File.ReadAllText(file.Path);

        // Every length the file could have had when the process died during the last append, and one flipped byte.
        var cuts = Enumerable.Range((int)beforeLast, complete.Length - (int)beforeLast).Select(n => complete[..n]).ToList();
        var flipped = (byte[])complete.Clone();
        flipped[^10] ^= 0x20;
        cuts.Add(flipped);
        foreach (var log in cuts)
        {
            File.WriteAllText(file.Path, node);
            File.WriteAllBytes(file.LogPath, log);
            using var restarted = file.Open();
            var volumes = Volumes(restarted);
            Assert.Contains("kept-1", volumes);
            Assert.Contains("kept-2", volumes);
            Assert.DoesNotContain("torn", volumes);
            Assert.DoesNotContain("torn-vm", Domains(restarted));
        }

        File.WriteAllText(file.Path, node);
        File.WriteAllBytes(file.LogPath, complete);
        using var whole = file.Open();
        Assert.Contains("torn", Volumes(whole));
        Assert.Contains("torn-vm", Domains(whole));
    }

    [Fact]
    public async Task A_whole_save_makes_the_old_log_stale_so_a_crash_before_it_is_dropped_replays_nothing_old()
    {
        var file = NewFile("stale");
        using (var connection = file.Open())
        {
            CreateVolume(file, connection, "old");
            await file.SaveChangesAsync(connection);
            var staleLog = File.ReadAllBytes(file.LogPath);

            using (var pool = connection.LookupStoragePoolByName("vmplant"))
            using (var volume = pool.LookupVolumeByName("old"))
                volume.Delete();
            await file.SaveAsync(connection); // whole: a new generation of the node file
            Assert.False(File.Exists(file.LogPath));
            File.WriteAllBytes(file.LogPath, staleLog); // as if the process died before dropping the old log
        }

        using var restarted = file.Open();
        Assert.DoesNotContain("old", Volumes(restarted));
    }

    public void Dispose() => _data.Dispose();
}
