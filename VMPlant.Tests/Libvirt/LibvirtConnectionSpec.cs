using VMPlant.Libvirt;
using Xunit;

namespace VMPlant.Tests.Libvirt;

public sealed class LibvirtConnectionSpec : IDisposable
{
    private readonly FakeHost _host = new(new TestNodeDefinition(Cpus: 12, MemoryMiB: 32768, PoolName: "images", PoolCapacityBytes: 50 * FakeHost.GiB));

    public void Dispose() => _host.Dispose();

    [Fact]
    public void Node_info_matches_the_node_file()
    {
        using var connection = _host.Open();

        var node = connection.GetNodeInfo();

        Assert.Equal(12u, node.Cpus);
        Assert.Equal(32768UL * 1024, node.MemoryKiB);
        Assert.Equal("x86_64", node.Model);
        Assert.Equal(2000u, node.MhZ);
        Assert.Equal(12u, node.Nodes * node.Sockets * node.Cores * node.Threads);
    }

    [Fact]
    public void Open_connection_is_alive_and_knows_its_uri_and_hostname()
    {
        using var connection = _host.Open();

        Assert.True(connection.IsAlive());
        Assert.Equal(_host.Uri, connection.Uri);
        Assert.False(string.IsNullOrWhiteSpace(connection.GetHostname()));
    }

    [Fact]
    public void Bad_uri_raises_LibvirtException_naming_the_uri()
    {
        var error = Assert.Throws<LibvirtException>(() => LibvirtConnection.Open("nosuchdriver:///nowhere"));

        Assert.Equal("virConnectOpen", error.Operation);
        Assert.Contains("'nosuchdriver:///nowhere'", error.Message);
        Assert.NotEqual(0, error.Code);
        Assert.False(string.IsNullOrWhiteSpace(error.LibvirtMessage));
        Assert.EndsWith(error.LibvirtMessage, error.Message);
    }

    [Fact]
    public void Missing_node_file_raises_LibvirtException()
    {
        var error = Assert.Throws<LibvirtException>(() => LibvirtConnection.Open("test:///no/such/node.xml"));

        Assert.Equal("virConnectOpen", error.Operation);
    }

    [Fact]
    public void Lists_the_pool_from_the_node_file()
    {
        using var connection = _host.Open();

        var pools = connection.ListAllStoragePools();
        try
        {
            Assert.Equal(["images"], pools.Select(p => p.Name));
        }
        finally
        {
            foreach (var pool in pools)
                pool.Dispose();
        }
    }

    [Fact]
    public void Missing_pool_raises_LibvirtException_naming_it()
    {
        using var connection = _host.Open();

        var error = Assert.Throws<LibvirtException>(() => connection.LookupStoragePoolByName("nope"));

        Assert.Equal(49, error.Code); // VIR_ERR_NO_STORAGE_POOL
        Assert.Contains("pool 'nope'", error.Message);
    }

    // Fact (1): a node file gives a separate host per connection, not per file.
    [Fact]
    public void Two_connections_to_one_node_file_are_separate_hosts()
    {
        using var first = _host.Open();
        using var second = _host.Open();
        using var pool = first.LookupStoragePoolByName("images");

        using var domain = first.DefineDomain(DomainXml.Build(new DomainDefinition("only-in-first", 1, 256, "/images/x")));
        using var volume = pool.CreateVolume(VolumeXml.Build("only-in-first", FakeHost.GiB));

        Assert.Null(second.TryLookupDomainByName("only-in-first"));
        using var poolSeenBySecond = second.LookupStoragePoolByName("images");
        Assert.Null(poolSeenBySecond.TryLookupVolumeByName("only-in-first"));
    }

    // Fact (1): test:///default is one host for the whole process.
    [Fact]
    public void Connections_to_the_default_test_uri_share_one_host()
    {
        using var first = LibvirtConnection.Open("test:///default");
        using var second = LibvirtConnection.Open("test:///default");
        var name = "shared-" + Guid.NewGuid().ToString("N")[..8];

        using var defined = first.DefineDomain(DomainXml.Build(new DomainDefinition(name, 1, 256, "/images/x")));
        try
        {
            using var seen = second.TryLookupDomainByName(name);
            Assert.NotNull(seen);
            Assert.Equal(defined.Uuid, seen.Uuid);
        }
        finally
        {
            defined.Undefine();
        }
    }

    [Fact]
    public void Close_reports_the_objects_still_holding_the_connection()
    {
        var connection = _host.Open();
        using (var pool = connection.LookupStoragePoolByName("images"))
        using (pool.CreateVolume(VolumeXml.Build("v", FakeHost.GiB)))
        {
        }
        var leaked = connection.LookupStoragePoolByName("images");

        connection.Dispose();

        Assert.Equal(1, connection.ReferencesLeftAtClose);
        Assert.Equal("images", leaked.Name); // still usable: it holds the connection open
        leaked.Dispose();
    }
}
