using System.Collections.Immutable;
using VMPlant.Actors.Serialization;
using VMPlant.Messages;

namespace VMPlant.Actors.Domain;

/// <summary>Everything a plant has promised and cached, rebuilt from its journal by <see cref="Apply"/>.</summary>
public sealed record PlantState(
    ImmutableDictionary<string, PlantVm> Vms,
    ImmutableDictionary<string, string> VmIdByRequest,
    ImmutableDictionary<string, ImageRecord> Images,
    ImageCache Cache)
{
    /// <summary>Resources of the VMs that hold capacity, kept in step by <see cref="Apply"/> so no decision walks every VM.</summary>
    public Resources Holding { get; private init; } = Vms.Values.Where(v => v.HoldsCapacity).Aggregate(new Resources(0, 0, 0), (sum, v) => Add(sum, v.Spec.Resources, 1));

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
        VmBuilt b => Change(b.Vm.VmId, vm => vm with { State = b.Vm.State, Info = b.Vm }),
        VmBuildFailed f => Change(f.VmId, vm => vm with { State = VmState.Failed }),
        VmReconfigured c => WithVm(Vms[c.Vm.VmId] with { Spec = c.Spec, Info = c.Vm, State = c.Vm.State }) with
        {
            VmIdByRequest = VmIdByRequest.SetItem(c.RequestId, c.Vm.VmId),
        },
        VmRemoved d => Change(d.VmId, vm => vm.InState(VmState.Destroyed)),
        VmLost l => Change(l.VmId, vm => vm.InState(VmState.Lost)),
        ImagePublished p => this with
        {
            Images = Images.SetItem(p.Image.ImageId, p.Image),
            Cache = Cache.Publish(ToGoldenImage(p.Image)),
            ImageGiB = ImageGiB - (Images.TryGetValue(p.Image.ImageId, out var replaced) ? GiBOf(replaced) : 0) + GiBOf(p.Image),
        },
        ImageHit h => Images.ContainsKey(h.ImageId) ? this with { Cache = Cache.RecordHit(h.ImageId, h.At) } : this,
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

    /// <summary>Images whose volumes back a live VM's disk and so must not be deleted.</summary>
    public IReadOnlySet<string> PinnedImages() =>
        Vms.Values.Where(v => v.State is not VmState.Destroyed).Select(v => v.ImageId).ToHashSet();

    public static GoldenImage ToGoldenImage(ImageRecord image) => new(
        image.ImageId,
        image.Volume,
        image.Actions.Select(a => new ActionIdentity(a.Identity)).ToImmutableHashSet(),
        image.BuildCost,
        image.SizeBytes,
        image.CreatedAt);

    private static long GiBOf(ImageRecord image) => (image.SizeBytes + (1L << 30) - 1) >> 30;

    private static Resources Add(Resources sum, Resources r, int sign) =>
        new(sum.Vcpus + sign * r.Vcpus, sum.MemoryMiB + sign * r.MemoryMiB, sum.DiskGiB + sign * r.DiskGiB);

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
