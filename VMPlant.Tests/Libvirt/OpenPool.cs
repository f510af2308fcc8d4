using VMPlant.Libvirt;

namespace VMPlant.Tests.Libvirt;

/// <summary>A fresh fake host with its "images" pool open, for specs about pools and volumes.</summary>
public abstract class OpenPool : IDisposable
{
    protected OpenPool()
    {
        Connection = Host.Open();
        Pool = Connection.LookupStoragePoolByName("images");
    }

    internal FakeHost Host { get; } = new();

    protected LibvirtConnection Connection { get; }

    protected StoragePool Pool { get; }

    public void Dispose()
    {
        Pool.Dispose();
        Connection.Dispose();
        Host.Dispose();
        GC.SuppressFinalize(this);
    }
}
