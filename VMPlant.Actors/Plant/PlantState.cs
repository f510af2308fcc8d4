using System.Collections.Immutable;
using VMPlant.Actors.Domain;
using VMPlant.Actors.Serialization;
using VMPlant.Messages;

namespace VMPlant.Actors.Plant;

/// <summary>Everything a plant has promised and cached, rebuilt from its journal by <see cref="Apply"/>.</summary>
public sealed record PlantState(
    ImmutableDictionary<string, PlantVm> Vms,
    ImmutableDictionary<string, string> VmIdByRequest,
    ImmutableDictionary<string, ImageRecord> Images,
    ImageCache Cache)
{
    public static PlantState Initial(CachePolicy policy, GoldenImage baseImage) => new(
        ImmutableDictionary<string, PlantVm>.Empty,
        ImmutableDictionary<string, string>.Empty,
        ImmutableDictionary<string, ImageRecord>.Empty,
        new ImageCache(policy).Publish(baseImage));

    public PlantState Apply(IVmPlantEvent e) => e switch
    {
        VmReserved r => this with
        {
            Vms = Vms.SetItem(r.VmId, new PlantVm(r.VmId, r.RequestId, r.Spec, r.ImageId, VmState.Building, null)),
            VmIdByRequest = VmIdByRequest.SetItem(r.RequestId, r.VmId),
        },
        VmBuilt b => WithVm(b.Vm.VmId, vm => vm with { State = b.Vm.State, Info = b.Vm }),
        VmBuildFailed f => WithVm(f.VmId, vm => vm with { State = VmState.Failed }),
        VmReconfigured c => this with
        {
            Vms = Vms.SetItem(c.Vm.VmId, Vms[c.Vm.VmId] with { Spec = c.Spec, Info = c.Vm, State = c.Vm.State }),
            VmIdByRequest = VmIdByRequest.SetItem(c.RequestId, c.Vm.VmId),
        },
        VmRemoved d => WithVm(d.VmId, vm => vm.InState(VmState.Destroyed)),
        VmLost l => WithVm(l.VmId, vm => vm.InState(VmState.Lost)),
        ImagePublished p => this with { Images = Images.SetItem(p.Image.ImageId, p.Image), Cache = Cache.Publish(ToGoldenImage(p.Image)) },
        ImageHit h => Images.ContainsKey(h.ImageId) ? this with { Cache = Cache.RecordHit(h.ImageId, h.At) } : this,
        ImageEvicted v => this with { Images = Images.Remove(v.ImageId), Cache = Cache.Remove(v.ImageId) },
        ActionCostLearned l => this with { Learned = Learned.Record(l.Identity, l.Kind, l.Seconds) },
        _ => throw new ArgumentException($"plant state cannot apply {e.GetType().Name}"),
    };

    /// <summary>Measured action durations on this plant, used by its bids instead of declared costs.</summary>
    public LearnedCosts Learned { get; init; } = LearnedCosts.Empty;

    /// <summary>Resources promised to VMs that are building or running, plus the disk that golden images occupy.</summary>
    public Capacity Reserved()
    {
        var holding = Vms.Values.Where(v => v.HoldsCapacity).Select(v => v.Spec.Resources).ToList();
        var imageGiB = Images.Values.Sum(i => (i.SizeBytes + (1L << 30) - 1) >> 30);
        return new Capacity(holding.Sum(r => r.Vcpus), holding.Sum(r => r.MemoryMiB), holding.Sum(r => r.DiskGiB) + imageGiB);
    }

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

    private PlantState WithVm(string vmId, Func<PlantVm, PlantVm> change) =>
        Vms.TryGetValue(vmId, out var vm) ? this with { Vms = Vms.SetItem(vmId, change(vm)) } : this;
}
