using VMPlant.Libvirt;
using Xunit;

namespace VMPlant.Tests.Libvirt;

public sealed class StoragePoolSpec : OpenPool
{
    [Fact]
    public void Pool_is_running_with_the_requested_space_available()
    {
        var info = Pool.GetInfo();

        Assert.Equal(StoragePoolState.Running, info.State);
        Assert.Equal((ulong)(10 * FakeHost.GiB), info.AvailableBytes);
        // The test driver's fixed capacity; the reserve volume holds the rest.
        Assert.Equal((ulong)TestNodeXml.DriverPoolCapacityBytes, info.CapacityBytes);
        Assert.Equal(info.CapacityBytes - info.AvailableBytes, info.AllocationBytes);
    }

    [Fact]
    public void Full_sizePool_has_no_reserve_volume()
    {
        using var host = new FakeHost(new TestNodeDefinition(2, 1024, "big", TestNodeXml.DriverPoolCapacityBytes));
        using var connection = host.Open();
        using var pool = connection.LookupStoragePoolByName("big");

        Assert.Empty(pool.ListAllVolumes());
        Assert.Equal((ulong)TestNodeXml.DriverPoolCapacityBytes, pool.GetInfo().AvailableBytes);
    }

    // Fact (5): the test driver enforces pool space.
    [Fact]
    public void Volumes_beyond_the_free_space_fail_with_libvirts_reason()
    {
        using var first = Pool.CreateVolume(VolumeXml.Build("vm-1", 6 * FakeHost.GiB));

        var error = Assert.Throws<LibvirtException>(() => Pool.CreateVolume(VolumeXml.Build("vm-2", 6 * FakeHost.GiB)));

        Assert.Equal("virStorageVolCreateXML", error.Operation);
        Assert.Equal("pool 'images' (volume 'vm-2')", error.Target);
        Assert.StartsWith("virStorageVolCreateXML on pool 'images' (volume 'vm-2') failed: ", error.Message);
        Assert.Contains("Not enough free space in pool", error.Message);
        Assert.Equal(1, error.Code); // VIR_ERR_INTERNAL_ERROR
        Assert.Equal(12, error.ErrorDomain); // VIR_FROM_TEST
        Assert.Null(Pool.TryLookupVolumeByName("vm-2"));
    }

    [Fact]
    public void A_clone_that_does_not_fit_fails_naming_the_clone()
    {
        using var source = Pool.CreateVolume(VolumeXml.Build("base", 6 * FakeHost.GiB));

        var error = Assert.Throws<LibvirtException>(() => Pool.CloneVolume(VolumeXml.Build("vm-1", 6 * FakeHost.GiB), source));

        Assert.StartsWith("virStorageVolCreateXMLFrom on pool 'images' (volume 'vm-1') failed: ", error.Message);
        Assert.Contains("Not enough free space in pool", error.LibvirtMessage);
    }

    [Fact]
    public void Lookup_of_a_missing_volume_throws_and_try_lookup_returns_null()
    {
        Assert.Null(Pool.TryLookupVolumeByName("missing"));
        var error = Assert.Throws<LibvirtException>(() => Pool.LookupVolumeByName("missing"));
        Assert.Equal(50, error.Code); // VIR_ERR_NO_STORAGE_VOL
        Assert.Contains("pool 'images' (volume 'missing')", error.Message);
    }

    [Fact]
    public void Lists_volumes_and_refreshes()
    {
        using (Pool.CreateVolume(VolumeXml.Build("a", FakeHost.GiB)))
        using (Pool.CreateVolume(VolumeXml.Build("b", FakeHost.GiB)))
        {
        }

        Pool.Refresh();

        var volumes = Pool.ListAllVolumes();
        var names = volumes.Select(v => v.Name).Order().ToList();
        foreach (var volume in volumes)
            volume.Dispose();
        Assert.Equal(["a", "b", TestNodeXml.ReserveVolumeName], names);
    }

    [Fact]
    public void Malformed_volume_xml_fails_with_context()
    {
        var error = Assert.Throws<LibvirtException>(() => Pool.CreateVolume("<volume><name>x"));

        Assert.Equal("pool 'images' (volume (malformed XML))", error.Target);
    }
}
