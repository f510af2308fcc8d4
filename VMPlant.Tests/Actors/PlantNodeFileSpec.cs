using VMPlant.Actors.Domain;
using VMPlant.Actors.Plant;
using VMPlant.Libvirt;
using VMPlant.Tests.Support;
using Xunit;

namespace VMPlant.Tests.Actors;

/// <summary>A test-driver plant's node file: coalesced saves still cover every change made before each checkpoint.</summary>
public sealed class PlantNodeFileSpec : IDisposable
{
    private readonly TempDirectory _data = new();

    [Fact]
    public async Task Concurrent_checkpoints_each_find_their_own_change_in_the_saved_file()
    {
        var file = TestNodeFile.For(PlantSettingsBuilder.TestNode("nf", _data.Path));
        using var connection = LibvirtConnection.Open(file.Uri);
        using var pool = connection.LookupStoragePoolByName("vmplant");

        var checkpoints = Enumerable.Range(0, 24).Select(i => Task.Run(async () =>
        {
            var volume = $"vol-{i:D2}";
            using (pool.CreateVolume(VolumeXml.Build(volume, 1 << 20))) { }
            await file.SaveAsync(connection);
            Assert.Contains($"<name>{volume}</name>", await File.ReadAllTextAsync(file.Path));
        }));
        await Task.WhenAll(checkpoints);

        using var reopened = LibvirtConnection.Open(file.Uri);
        using var reopenedPool = reopened.LookupStoragePoolByName("vmplant");
        var names = reopenedPool.ListAllVolumes().Select(v => { using (v) return v.Name; }).ToHashSet();
        Assert.All(Enumerable.Range(0, 24), i => Assert.Contains($"vol-{i:D2}", names));
    }

    public void Dispose() => _data.Dispose();
}
