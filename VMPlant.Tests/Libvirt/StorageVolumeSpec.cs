using System.Xml.Linq;
using VMPlant.Libvirt;
using Xunit;

namespace VMPlant.Tests.Libvirt;

public sealed class StorageVolumeSpec : OpenPool
{
    [Fact]
    public void Created_volume_has_name_path_key_and_size()
    {
        using var volume = Pool.CreateVolume(VolumeXml.Build("vm-1", 2 * FakeHost.GiB));

        Assert.Equal("vm-1", volume.Name);
        Assert.Equal("/var/lib/vmplant/images/vm-1", volume.Path);
        Assert.Equal(volume.Path, volume.Key);
        Assert.Equal(new StorageVolumeInfo(StorageVolumeType.File, 2UL * 1024 * 1024 * 1024, 2UL * 1024 * 1024 * 1024), volume.GetInfo());
        Assert.Equal("qcow2", XElement.Parse(volume.GetXmlDesc()).Element("target")!.Element("format")!.Attribute("type")!.Value);
    }

    // Fact (3): CreateXMLFrom makes an independent full copy.
    [Fact]
    public void Clone_is_a_full_copy_that_outlives_its_source()
    {
        using var source = Pool.CreateVolume(VolumeXml.Build("base", 2 * FakeHost.GiB));
        var before = Pool.GetInfo();

        using var clone = Pool.CloneVolume(VolumeXml.Build("vm-1", 2 * FakeHost.GiB), source);
        source.Delete();

        Assert.Equal("vm-1", clone.Name);
        Assert.Equal(2UL * 1024 * 1024 * 1024, clone.GetInfo().CapacityBytes);
        Assert.Null(XElement.Parse(clone.GetXmlDesc()).Element("backingStore"));
        Assert.Equal(before.AllocationBytes, Pool.GetInfo().AllocationBytes); // clone charged, source freed
        Assert.NotNull(Pool.TryLookupVolumeByName("vm-1"));
    }

    // Fact (2): the test driver accepts <backingStore>, keeps it, and charges full capacity.
    [Fact]
    public void Overlay_keeps_its_backing_store()
    {
        using var baseImage = Pool.CreateVolume(VolumeXml.Build("base", 2 * FakeHost.GiB));
        var before = Pool.GetInfo().AllocationBytes;

        using var overlay = Pool.CreateVolume(VolumeXml.Build("vm-1", 2 * FakeHost.GiB, backingStorePath: baseImage.Path));

        var backing = XElement.Parse(overlay.GetXmlDesc()).Element("backingStore")!;
        Assert.Equal(baseImage.Path, backing.Element("path")!.Value);
        Assert.Equal("qcow2", backing.Element("format")!.Attribute("type")!.Value);
        Assert.Equal(before + 2UL * 1024 * 1024 * 1024, Pool.GetInfo().AllocationBytes);
    }

    [Fact]
    public void Deleted_volume_is_gone_and_its_space_returned()
    {
        var before = Pool.GetInfo();
        using var volume = Pool.CreateVolume(VolumeXml.Build("vm-1", FakeHost.GiB));

        volume.Delete();

        Assert.Null(Pool.TryLookupVolumeByName("vm-1"));
        Assert.Equal(before, Pool.GetInfo());
        var error = Assert.Throws<LibvirtException>(volume.GetInfo);
        Assert.Equal("virStorageVolGetInfo", error.Operation);
        Assert.Equal("volume 'vm-1'", error.Target);
    }

    [Fact]
    public void Thousands_of_clones_and_deletes_release_every_handle()
    {
        var connection = Host.Open();
        using (var pool = connection.LookupStoragePoolByName("images"))
        using (var source = pool.CreateVolume(VolumeXml.Build("base", FakeHost.GiB)))
        {
            var before = pool.GetInfo();
            for (var i = 0; i < 2000; i++)
            {
                using var clone = pool.CloneVolume(VolumeXml.Build($"vm-{i}", FakeHost.GiB), source);
                using var again = pool.LookupVolumeByName(clone.Name);
                Assert.Equal(clone.Key, again.Path);
                again.Delete();
            }
            Assert.Equal(before, pool.GetInfo());
        }

        connection.Dispose();

        Assert.Equal(0, connection.ReferencesLeftAtClose);
    }
}
