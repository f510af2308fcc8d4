using System.Collections.Immutable;
using System.Xml.Linq;
using VMPlant.Actors.Domain;
using VMPlant.Libvirt;
using VMPlant.Messages;

namespace VMPlant.Actors.Plant;

/// <summary>
/// The plant's view of its hypervisor: the few libvirt operations a plant performs, in plant terms.
/// Thread-safe (libvirt connections are), so builds may run off the actor's thread.
/// </summary>
public sealed class PlantHypervisor : IDisposable
{
    public const string MetadataNamespace = "urn:vmplant:vm:1";
    private const string MetadataKey = "vmplant";
    private const long GiB = 1L << 30;

    private readonly LibvirtConnection _connection;
    private readonly StoragePool _pool;
    private readonly string _domainType;
    private readonly TestNodeFile? _testNode;
    private readonly bool _durable;

    private PlantHypervisor(LibvirtConnection connection, StoragePool pool, string domainType, TestNodeFile? testNode, bool durable)
    {
        _durable = durable;
        _connection = connection;
        _pool = pool;
        _domainType = domainType;
        _testNode = testNode;
    }

    public string Uri => _connection.Uri;

    /// <summary>Opens the plant's libvirt connection; for a test-node plant, first writes its fake host file if absent.</summary>
    public static PlantHypervisor Connect(PlantSettings settings)
    {
        var testNode = settings.Uri == PlantSettings.TestNodeUri ? TestNodeFile.For(settings) : null;
        var connection = LibvirtConnection.Open(testNode?.Uri ?? settings.Uri);
        try
        {
            return new PlantHypervisor(connection, connection.LookupStoragePoolByName(settings.Pool), settings.DomainType, testNode, settings.TestNodeDurable);
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Makes the hypervisor's current state durable before the plant journals or acknowledges it. A real hypervisor
    /// is durable by itself; a test-driver host is saved to its node file (unless test-node-durable is off), one save
    /// serving every checkpoint asked for while the previous one ran.
    /// </summary>
    public Task CheckpointAsync() => _durable && _testNode is not null ? _testNode.SaveAsync(_connection) : Task.CompletedTask;

    /// <summary><see cref="CheckpointAsync"/>, waited for.</summary>
    public void Checkpoint() => CheckpointAsync().GetAwaiter().GetResult();

    /// <summary>The host's raw size: CPUs, memory and the storage pool's capacity.</summary>
    public Capacity ReadHostSize()
    {
        var node = _connection.GetNodeInfo();
        var poolBytes = (long)_pool.GetInfo().CapacityBytes;
        // A test-driver pool is always 100 GiB; a reserve volume shrinks it to the configured size.
        if (_pool.TryLookupVolumeByName(TestNodeXml.ReserveVolumeName) is { } reserve)
            using (reserve)
                poolBytes -= (long)reserve.GetInfo().CapacityBytes;
        return new Capacity((int)node.Cpus, (long)(node.MemoryKiB / 1024), poolBytes / GiB);
    }

    public void EnsureBaseImage(string volume, long sizeGiB)
    {
        if (_pool.TryLookupVolumeByName(volume) is { } existing)
        {
            existing.Dispose();
            return;
        }
        using var _ = _pool.CreateVolume(VolumeXml.Build(volume, sizeGiB * GiB));
    }

    /// <summary>A copy-on-write overlay of <paramref name="imageVolume"/>: the VM's disk, sized for the VM.</summary>
    public string CloneImage(string imageVolume, string vmVolume, long diskGiB)
    {
        using var image = _pool.LookupVolumeByName(imageVolume);
        using var overlay = _pool.CreateVolume(VolumeXml.Build(vmVolume, diskGiB * GiB, backingStorePath: image.Path));
        return overlay.Path;
    }

    public void DefineAndStart(string domainName, ResourceSpec resources, string diskPath, XElement metadata)
    {
        var xml = DomainXml.Build(new DomainDefinition(domainName, resources.Vcpus, resources.MemoryMiB, diskPath,
            DomainType: _domainType, MetadataXml: metadata.ToString(SaveOptions.DisableFormatting), MetadataNamespace: MetadataNamespace));
        using var domain = _connection.DefineDomain(xml);
        domain.Create();
    }

    /// <summary>Replaces the VM's VMPlant metadata (its performed actions) on the domain itself.</summary>
    public void WriteMetadata(string domainName, XElement metadata)
    {
        using var domain = _connection.LookupDomainByName(domainName);
        domain.SetMetadata(metadata.ToString(SaveOptions.DisableFormatting), MetadataKey, MetadataNamespace);
    }

    /// <summary>Saves the VM's disk as a golden image volume (a full, independent copy).</summary>
    public long PublishImage(string vmVolume, string imageVolume)
    {
        using var source = _pool.LookupVolumeByName(vmVolume);
        var capacity = source.GetInfo().CapacityBytes;
        using var image = _pool.CloneVolume(VolumeXml.Build(imageVolume, (long)capacity), source);
        return (long)capacity;
    }

    /// <summary>
    /// Copies a built VM's disk (whole, or as it stands part-way) into a golden image volume and makes the host durable:
    /// the record returned is what the plant may then journal.
    /// </summary>
    public async Task<ImageRecord> SaveImageAsync(string vmId, string imageId, ImmutableArray<PerformedAction> actions, double buildCost)
    {
        var size = PublishImage(PlantVm.VolumeOf(vmId), imageId);
        await CheckpointAsync();
        return new ImageRecord(imageId, imageId, actions, buildCost, size, DateTimeOffset.UtcNow, ImageOrigin.Built);
    }

    /// <summary>Stops and removes the domain and its disk. Missing pieces are fine: removal is idempotent.</summary>
    public void RemoveVm(string domainName, string vmVolume)
    {
        if (_connection.TryLookupDomainByName(domainName) is { } domain)
            using (domain)
            {
                if (domain.IsActive()) domain.Destroy();
                domain.Undefine();
            }
        DeleteVolume(vmVolume);
    }

    public void DeleteVolume(string volume)
    {
        if (_pool.TryLookupVolumeByName(volume) is { } vol)
            using (vol)
                vol.Delete();
    }

    /// <summary>Domains whose VMPlant metadata names this plant; any other domain on the host is none of its business.</summary>
    public IReadOnlyList<string> ListManagedDomains(string plant)
    {
        var domains = _connection.ListAllDomains();
        try
        {
            return domains.Where(d => VmMetadata.PlantOf(d.GetMetadata(MetadataNamespace)) == plant).Select(d => d.Name).ToList();
        }
        finally
        {
            foreach (var d in domains) d.Dispose();
        }
    }

    public IReadOnlyList<string> ListVolumeNames()
    {
        var volumes = _pool.ListAllVolumes();
        try
        {
            return volumes.Select(v => v.Name).Where(n => n != TestNodeXml.ReserveVolumeName).ToList();
        }
        finally
        {
            foreach (var v in volumes) v.Dispose();
        }
    }

    public void Dispose()
    {
        _pool.Dispose();
        _connection.Dispose();
    }
}
