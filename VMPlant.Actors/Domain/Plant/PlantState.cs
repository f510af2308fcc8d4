using System.Collections.Immutable;
using VMPlant.Actors.Serialization;
using VMPlant.Messages;

namespace VMPlant.Actors.Domain;

/// <summary>
/// Everything a plant has promised and cached, rebuilt from its journal by <see cref="Apply"/>. A destroyed, failed or
/// lost VM leaves it (bounded state: what is live, not all history, and no dead VM pins its image in the cache); only its
/// request id is remembered among the last <see cref="RemovedKept"/> removals, so a late copy of its award is
/// answered, never built again.
/// </summary>
public sealed record PlantState(
    ImmutableDictionary<string, PlantVm> Vms,
    ImmutableDictionary<string, string> VmIdByRequest,
    ImmutableDictionary<string, ImageRecord> Images,
    ImageCache Cache)
{
    /// <summary>Resources of the VMs that hold capacity, kept in step by <see cref="Apply"/> so no decision walks every VM.</summary>
    public Resources Holding { get; private init; } = Vms.Values.Where(v => v.HoldsCapacity).Aggregate(new Resources(0, 0, 0), (sum, v) => Add(sum, v.Spec.Resources, 1));

    /// <summary>Removed VMs whose requests are still recognised; beyond this many the oldest are forgotten.</summary>
    public const int RemovedKept = 1024;

    /// <summary>The latest removals, oldest first (at most <see cref="RemovedKept"/>).</summary>
    public ImmutableQueue<RemovedVm> Removed { get; private init; } = ImmutableQueue<RemovedVm>.Empty;

    /// <summary>The VM each request in <see cref="Removed"/> had.</summary>
    public ImmutableDictionary<string, string> RemovedByRequest { get; private init; } = ImmutableDictionary.Create<string, string>(StringComparer.Ordinal);

    /// <summary>This state's size in records, which spaces its snapshots (<see cref="SnapshotCadence"/>): a removed VM's id counts as a compact one.</summary>
    public int SnapshotWeight => Vms.Count + Images.Count + RemovedByRequest.Count / SnapshotCadence.CompactPerFullRecord;

    /// <summary>Whole GiB the golden images occupy, kept in step like <see cref="Holding"/>.</summary>
    public long ImageGiB { get; private init; } = Images.Values.Sum(GiBOf);

    public static PlantState Initial(CachePolicy policy, GoldenImage baseImage) => new(
        ImmutableDictionary<string, PlantVm>.Empty,
        ImmutableDictionary<string, string>.Empty,
        ImmutableDictionary<string, ImageRecord>.Empty,
        new ImageCache(policy).Publish(baseImage));

    public PlantState Apply(IVmPlantEvent e) => e switch
    {
        VmReserved r => WithVm(new PlantVm(r.VmId, r.RequestId, r.Spec, r.ImageId, VmState.Building, null)) with
        {
            VmIdByRequest = VmIdByRequest.SetItem(r.RequestId, r.VmId),
        },
        VmBuilt b => Change(b.Vm.VmId, vm => vm with { State = b.Vm.State, Info = b.Vm }).Hit(b.Vm.ImageId, b.ImageHitAt),
        // A failed build was cleaned up by its builder and a lost VM's domain is gone: neither holds anything here.
        VmBuildFailed f => Vms.TryGetValue(f.VmId, out var failed) ? Without(failed) : this,
        VmReconfigured c => WithVm(Vms[c.Vm.VmId] with { Spec = c.Spec, Info = c.Vm, State = c.Vm.State }) with
        {
            VmIdByRequest = VmIdByRequest.SetItem(c.RequestId, c.Vm.VmId),
        },
        VmRemoved d => Vms.TryGetValue(d.VmId, out var removed) ? Without(removed) : this,
        VmLost l => Vms.TryGetValue(l.VmId, out var lost) ? Without(lost) : this,
        ImagePublished p => this with
        {
            Images = Images.SetItem(p.Image.ImageId, p.Image),
            Cache = Cache.Publish(ToGoldenImage(p.Image)),
            ImageGiB = ImageGiB - (Images.TryGetValue(p.Image.ImageId, out var replaced) ? GiBOf(replaced) : 0) + GiBOf(p.Image),
        },
        ImageHit h => Hit(h.ImageId, h.At),
        ActionCostLearned l => this with { Learned = Learned.Record(l.Identity, l.Kind, l.Seconds) },
        ImageEvicted v => Images.TryGetValue(v.ImageId, out var evicted)
            ? this with { Images = Images.Remove(v.ImageId), Cache = Cache.Remove(v.ImageId), ImageGiB = ImageGiB - GiBOf(evicted) }
            : this,
        _ => throw new ArgumentException($"plant state cannot apply {e.GetType().Name}"),
    };

    /// <summary>Measured action durations on this plant, used by its bids instead of declared costs.</summary>
    public LearnedCosts Learned { get; init; } = LearnedCosts.Empty;

    /// <summary>Resources promised to VMs that are building or running, plus the disk that golden images occupy.</summary>
    public Resources Reserved() => Holding with { DiskGiB = Holding.DiskGiB + ImageGiB };

    /// <summary>Images whose volumes back a VM's disk (destroyed VMs are gone from <see cref="Vms"/>) and so must not be deleted.</summary>
    public IReadOnlySet<string> PinnedImages() => Vms.Values.Select(v => v.ImageId).ToHashSet();

    /// <summary>Remembers a removed VM's request, forgetting the oldest beyond <see cref="RemovedKept"/>.</summary>
    public PlantState Remember(RemovedVm removed)
    {
        var queue = Removed.Enqueue(removed);
        var byRequest = RemovedByRequest.SetItem(removed.RequestId, removed.VmId);
        if (byRequest.Count > RemovedKept)
        {
            queue = queue.Dequeue(out var oldest);
            if (byRequest.TryGetValue(oldest.RequestId, out var vmId) && vmId == oldest.VmId) byRequest = byRequest.Remove(oldest.RequestId);
        }
        return this with { Removed = queue, RemovedByRequest = byRequest };
    }

    /// <summary>The VM leaves the state, with every request that named it (its create and its configures).</summary>
    private PlantState Without(PlantVm vm)
    {
        var requests = VmIdByRequest.Where(p => p.Value == vm.VmId).Select(p => p.Key).Order(StringComparer.Ordinal).ToList();
        var state = this with
        {
            Vms = Vms.Remove(vm.VmId),
            VmIdByRequest = VmIdByRequest.RemoveRange(requests),
            Holding = vm.HoldsCapacity ? Add(Holding, vm.Spec.Resources, -1) : Holding,
        };
        return requests.Aggregate(state, (s, requestId) => s.Remember(new RemovedVm(requestId, vm.VmId)));
    }

    public static GoldenImage ToGoldenImage(ImageRecord image) => new(
        image.ImageId,
        image.Volume,
        image.Actions.Select(a => new ActionIdentity(a.Identity)).ToImmutableHashSet(),
        image.BuildCost,
        image.SizeBytes,
        image.CreatedAt);

    /// <summary>Whole GiB an image's volume takes.</summary>
    public static long GiBOf(ImageRecord image) => (image.SizeBytes + (1L << 30) - 1) >> 30;

    private static Resources Add(Resources sum, Resources r, int sign) =>
        new(sum.Vcpus + sign * r.Vcpus, sum.MemoryMiB + sign * r.MemoryMiB, sum.DiskGiB + sign * r.DiskGiB);

    /// <summary>A build reused a cached image at <paramref name="at"/> (nothing when null, or when the image is gone).</summary>
    private PlantState Hit(string imageId, DateTimeOffset? at) =>
        at is { } when && Images.ContainsKey(imageId) ? this with { Cache = Cache.RecordHit(imageId, when) } : this;

    private PlantState Change(string vmId, Func<PlantVm, PlantVm> change) =>
        Vms.TryGetValue(vmId, out var vm) ? WithVm(change(vm)) : this;

    /// <summary>Sets the VM, moving its resources into or out of <see cref="Holding"/> as its state says.</summary>
    private PlantState WithVm(PlantVm vm)
    {
        var holding = Holding;
        if (Vms.TryGetValue(vm.VmId, out var before) && before.HoldsCapacity) holding = Add(holding, before.Spec.Resources, -1);
        if (vm.HoldsCapacity) holding = Add(holding, vm.Spec.Resources, 1);
        return this with { Vms = Vms.SetItem(vm.VmId, vm), Holding = holding };
    }
}

/// <summary>A removed (destroyed, failed or lost) VM's request, remembered for a while so a late copy of its award is recognised.</summary>
public sealed record RemovedVm(string RequestId, string VmId);
