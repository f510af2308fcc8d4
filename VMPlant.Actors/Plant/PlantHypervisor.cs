using System.Collections.Immutable;
using System.Xml.Linq;
using VMPlant.Actors.Domain;
using VMPlant.Libvirt;
using VMPlant.Messages;

namespace VMPlant.Actors.Plant;

/// <summary>
/// The plant's view of its hypervisor: the few libvirt operations a plant performs, in plant terms. This backend
/// records actions in the domain's metadata and runs no guest code (libvirt's test driver, or a libvirt host where
/// only the bookkeeping is wanted). Thread-safe (libvirt connections are), so builds may run off the actor's thread.
/// </summary>
public sealed class PlantHypervisor : IPlantHypervisor
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
    public Resources ReadHostSize()
    {
        var node = _connection.GetNodeInfo();
        var poolBytes = (long)_pool.GetInfo().CapacityBytes;
        // A test-driver pool is always 100 GiB; a reserve volume shrinks it to the configured size.
        if (_pool.TryLookupVolumeByName(TestNodeXml.ReserveVolumeName) is { } reserve)
            using (reserve)
                poolBytes -= (long)reserve.GetInfo().CapacityBytes;
        return new Resources((int)node.Cpus, (long)(node.MemoryKiB / 1024), poolBytes / GiB);
    }

    /// <summary>A seed image is a copy of the blank base volume that the journal says holds the seed's actions.</summary>
    public long ImportSeedImage(SeedImage seed, string imageId, string baseVolume) => PublishImage(baseVolume, imageId);

    /// <summary>Recording needs no capability: any action kind can be written down.</summary>
    public string? Refusal(Domain.ImageMatch match) => null;

    public IVmBuilder Builder(string plantName, double actionTimeScale) => new VmBuilder(this, plantName, actionTimeScale);

    public void EnsureBaseImage(string volume, long sizeGiB)
    {
        if (_pool.TryLookupVolumeByName(volume) is { } existing)
        {
            existing.Dispose();
            return;
        }
        using var _ = _pool.CreateVolume(VolumeXml.Build(volume, sizeGiB * GiB));
    }

    /// <summary>
    /// A copy-on-write overlay of <paramref name="imageVolume"/>: the VM's disk, sized for the VM (and, with
    /// <paramref name="atLeastImageSize"/>, never smaller than the image, whose filesystem fills it).
    /// </summary>
    public string CloneImage(string imageVolume, string vmVolume, long diskGiB, bool atLeastImageSize = false)
    {
        using var image = _pool.LookupVolumeByName(imageVolume);
        var bytes = diskGiB * GiB;
        if (atLeastImageSize) bytes = Math.Max(bytes, (long)image.GetInfo().CapacityBytes);
        using var overlay = _pool.CreateVolume(VolumeXml.Build(vmVolume, bytes, backingStorePath: image.Path));
        return overlay.Path;
    }

    /// <summary>Bytes the volume takes on the host (its allocation; a sparse qcow2 is far below its capacity).</summary>
    public long VolumeAllocation(string volume)
    {
        using var found = _pool.LookupVolumeByName(volume);
        return (long)found.GetInfo().AllocationBytes;
    }

    public string VolumePath(string volume)
    {
        using var found = _pool.LookupVolumeByName(volume);
        return found.Path;
    }

    /// <summary>An empty volume of <paramref name="capacityBytes"/>; returns its path.</summary>
    public string CreateVolume(string volume, long capacityBytes)
    {
        using var created = _pool.CreateVolume(VolumeXml.Build(volume, capacityBytes));
        return created.Path;
    }

    /// <summary>Defines and starts a domain from a definition the caller built (a real guest's kernel, console…).</summary>
    public void DefineAndStart(DomainDefinition definition)
    {
        using var domain = _connection.DefineDomain(DomainXml.Build(definition));
        domain.Create();
    }

    public void DefineAndStart(string domainName, Resources resources, string diskPath, XElement metadata)
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

    public bool IsDomainRunning(string domainName)
    {
        using var domain = _connection.TryLookupDomainByName(domainName);
        return domain is not null && domain.IsActive();
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
