using System.Collections.Immutable;
using System.Text.Json;
using VMPlant.Actors.Domain;
using VMPlant.Libvirt;
using VMPlant.Libvirt.Qemu;
using VMPlant.Messages;

namespace VMPlant.Actors.Plant;

/// <summary>
/// A plant backend that boots real guests under QEMU (TCG or KVM) from qcow2 golden images in a libvirt dir pool.
/// A VM has two volumes: <c>VM.qcow2</c>, an overlay of its image on which the actions are performed offline and
/// which never boots (golden images are copied from it), and <c>VM-run.qcow2</c>, a thin overlay of that one which
/// the guest boots from. install-os is never performed: a spec's OS is a seeded base image (see
/// <see cref="SeedImage.Qcow2"/>), so a build without one is refused at bid time, as is any action kind or argument
/// <see cref="GuestActions"/> cannot perform.
/// </summary>
public sealed class QemuPlantHypervisor : IPlantHypervisor
{
    private const string RunSuffix = "-run.qcow2";
    private readonly PlantHypervisor _libvirt;
    private readonly PlantSettings _settings;
    private readonly RealVmSettings _real;
    private readonly GuestActions _actions;

    private QemuPlantHypervisor(PlantHypervisor libvirt, PlantSettings settings, RealVmSettings real)
    {
        _libvirt = libvirt;
        _settings = settings;
        _real = real;
        _actions = new GuestActions(real.Actions);
    }

    /// <summary>Connects to the plant's libvirt URI, first defining and starting its dir pool if libvirt has none of that name.</summary>
    public static QemuPlantHypervisor Connect(PlantSettings settings)
    {
        var real = settings.Real ?? throw new ArgumentException($"plant {settings.Name}: backend qemu needs its real-vm settings");
        foreach (var file in new[] { KernelPath(real), InitrdPath(real) })
            if (!File.Exists(file))
                throw new FileNotFoundException($"{file} is missing: build the base images first (./vmplant image build)");
        EnsurePool(settings, real);
        Directory.CreateDirectory(real.ConsoleDir);
        Directory.CreateDirectory(real.WorkDir);
        return new QemuPlantHypervisor(PlantHypervisor.Connect(settings), settings, real);
    }

    private static void EnsurePool(PlantSettings settings, RealVmSettings real)
    {
        using var connection = LibvirtConnection.Open(settings.Uri);
        var pools = connection.ListAllStoragePools();
        try
        {
            if (pools.FirstOrDefault(p => p.Name == settings.Pool) is { } existing)
            {
                if (!existing.IsActive()) existing.BuildAndStart();
                return;
            }
        }
        finally
        {
            foreach (var p in pools) p.Dispose();
        }
        using var pool = connection.DefineStoragePool(PoolXml.Directory(settings.Pool, Path.Combine(real.PoolDir, settings.Pool)));
        pool.BuildAndStart();
    }

    public string Uri => _libvirt.Uri;

    public Task CheckpointAsync() => _libvirt.CheckpointAsync();

    public void Checkpoint() => _libvirt.Checkpoint();

    public Resources ReadHostSize() => _libvirt.ReadHostSize();

    public void EnsureBaseImage(string volume, long sizeGiB) => _libvirt.EnsureBaseImage(volume, sizeGiB);

    /// <summary>Copies the seed's qcow2 file (e.g. a base image from build-images.sh, or your own) into the pool; returns the bytes it takes.</summary>
    public long ImportSeedImage(SeedImage seed, string imageId, string baseVolume)
    {
        if (seed.Qcow2 is not { } source)
            throw new ArgumentException($"seed image {imageId} from spec {seed.Spec.Name} names no qcow2 file; a real plant needs one");
        if (!File.Exists(source))
            throw new FileNotFoundException($"seed image {imageId}: {source} does not exist (./vmplant image build makes the base images)");
        var virtualSize = QemuImgVirtualSize(source);
        _libvirt.DeleteVolume(imageId);
        var path = _libvirt.CreateVolume(imageId, virtualSize);
        Check(HostCommand.RunAsync("qemu-img", ["convert", "-n", "-O", "qcow2", source, path], TimeSpan.FromMinutes(10), CancellationToken.None)
            .GetAwaiter().GetResult(), "qemu-img convert", source);
        return _libvirt.VolumeAllocation(imageId);
    }

    public string? Refusal(ImageMatch match)
    {
        if (match.Image.ImageId == _settings.BaseImageVolume)
            return match.Missing.FirstOrDefault(a => a.Kind == ActionKinds.InstallOs) is { } os
                ? _actions.Refusal(os.Kind, os.Args)
                : "a real VM needs an install-os action naming one of this plant's base images";
        foreach (var action in match.Missing)
            if (_actions.Refusal(action.Kind, action.Args) is { } reason)
                return $"action {action.Id}: {reason}";
        return null;
    }

    public IVmBuilder Builder(string plantName, double actionTimeScale) => new RealVmBuilder(this, plantName);

    /// <summary>A full copy of the VM's never-booted build disk; its size is what it takes on the host, for the cache's byte budget.</summary>
    public async Task<ImageRecord> SaveImageAsync(string vmId, string imageId, ImmutableArray<PerformedAction> actions, double buildCost)
    {
        var record = await _libvirt.SaveImageAsync(vmId, imageId, actions, buildCost);
        return record with { SizeBytes = _libvirt.VolumeAllocation(imageId) };
    }

    public void RemoveVm(string domainName, string vmVolume)
    {
        _libvirt.RemoveVm(domainName, RunVolumeOf(vmVolume));
        _libvirt.DeleteVolume(vmVolume);
        File.Delete(ConsoleLogOf(domainName));
    }

    public void DeleteVolume(string volume) => _libvirt.DeleteVolume(volume);

    public bool IsDomainRunning(string domainName) => _libvirt.IsDomainRunning(domainName);

    public IReadOnlyList<string> ListManagedDomains(string plant) => _libvirt.ListManagedDomains(plant);

    /// <summary>A VM's boot overlay belongs to its VM volume; alone, it is an orphan under its own name.</summary>
    public IReadOnlyList<string> ListVolumeNames()
    {
        var names = _libvirt.ListVolumeNames();
        var set = names.ToHashSet(StringComparer.Ordinal);
        return names.Where(n => !n.EndsWith(RunSuffix, StringComparison.Ordinal) || !set.Contains(n[..^RunSuffix.Length] + ".qcow2")).ToList();
    }

    public void Dispose() => _libvirt.Dispose();

    // What RealVmBuilder uses.

    internal GuestActions Actions => _actions;

    internal RealVmSettings Real => _real;

    internal string CloneImage(string imageVolume, string vmVolume, long diskGiB) =>
        _libvirt.CloneImage(imageVolume, vmVolume, diskGiB, atLeastImageSize: true);

    /// <summary>The boot overlay on the built disk, the domain with direct kernel boot and its console in a file, started.</summary>
    internal string DefineAndStart(string vmId, Resources resources, string vmVolume, System.Xml.Linq.XElement metadata)
    {
        var disk = _libvirt.CloneImage(vmVolume, RunVolumeOf(vmVolume), 1, atLeastImageSize: true);
        var console = ConsoleLogOf(vmId);
        File.Delete(console);
        _libvirt.DefineAndStart(new DomainDefinition(vmId, resources.Vcpus, resources.MemoryMiB, disk,
            DomainType: _settings.DomainType,
            MetadataXml: metadata.ToString(System.Xml.Linq.SaveOptions.DisableFormatting), MetadataNamespace: PlantHypervisor.MetadataNamespace,
            KernelPath: KernelPath(_real), InitrdPath: InitrdPath(_real), KernelArgs: _real.KernelArgs,
            SerialLogPath: console, DestroyOnExit: true));
        return console;
    }

    internal void WriteMetadata(string domainName, System.Xml.Linq.XElement metadata) => _libvirt.WriteMetadata(domainName, metadata);

    internal string ConsoleLogOf(string vmId) => Path.Combine(_real.ConsoleDir, vmId + ".log");

    internal string PoolPathOf(string volume) => _libvirt.VolumePath(volume);

    private static string RunVolumeOf(string vmVolume) => vmVolume.EndsWith(".qcow2", StringComparison.Ordinal)
        ? vmVolume[..^".qcow2".Length] + RunSuffix
        : vmVolume + RunSuffix;

    private static string KernelPath(RealVmSettings real) => Path.Combine(real.ImageDir, "vmlinuz");

    private static string InitrdPath(RealVmSettings real) => Path.Combine(real.ImageDir, "initrd.img");

    private static long QemuImgVirtualSize(string file)
    {
        var info = HostCommand.RunAsync("qemu-img", ["info", "--output=json", file], TimeSpan.FromMinutes(1), CancellationToken.None).GetAwaiter().GetResult();
        Check(info, "qemu-img info", file);
        using var json = JsonDocument.Parse(info.StdoutTail);
        return json.RootElement.GetProperty("virtual-size").GetInt64();
    }

    private static void Check(CommandResult result, string what, string file)
    {
        if (!result.Succeeded)
            throw new HostCommandException($"{what} {file} exited {result.ExitCode}: {result.Complaint}", result);
    }
}
