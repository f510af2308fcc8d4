using System.Collections.Immutable;
using VMPlant.Actors.Serialization;

namespace VMPlant.Actors.Domain;

/// <summary>
/// A plant's state at one sequence number; images are restored with their usage so eviction stays fair. Destroyed VMs
/// are not in it (only their requests, in <see cref="Removed"/>); a snapshot from before that rule drops them on restore.
/// </summary>
[EventVersion(1)]
public sealed record PlantSnapshot(
    ImmutableArray<PlantVm> Vms,
    ImmutableDictionary<string, string> VmIdByRequest,
    ImmutableArray<ImageRecord> Images,
    ImmutableArray<ImageUsageRecord> Usage,
    ImmutableArray<LearnedCost>? Learned = null,
    ImmutableArray<RemovedVm>? Removed = null) : IVmPlantSnapshot
{
    public static PlantSnapshot Of(PlantState state) => new(
        state.Vms.Values.ToImmutableArray(),
        state.VmIdByRequest,
        state.Images.Values.ToImmutableArray(),
        state.Images.Keys
            .Select(id => state.Cache.TryGetUsage(id, out var usage) ? new ImageUsageRecord(id, usage.Hits, usage.LastUsed) : null)
            .OfType<ImageUsageRecord>()
            .ToImmutableArray(),
        [.. state.Learned.ByIdentity.Values, .. state.Learned.ByKind.Values.Select(k => k with { Key = "kind:" + k.Key })],
        [.. state.Removed]);

    public PlantState Restore(CachePolicy policy, GoldenImage baseImage)
    {
        var cache = Images.Aggregate(PlantState.Initial(policy, baseImage).Cache, (c, i) => c.Publish(PlantState.ToGoldenImage(i)));
        cache = Usage.Aggregate(cache, (c, u) => c.WithUsage(u.ImageId, new ImageUsage(u.Hits, u.LastUsed)));
        var live = Vms.Where(v => v.State != Messages.VmState.Destroyed).ToImmutableDictionary(v => v.VmId);
        var destroyed = VmIdByRequest.Where(p => !live.ContainsKey(p.Value)).Select(p => new RemovedVm(p.Key, p.Value)).OrderBy(r => r.RequestId, StringComparer.Ordinal);
        var state = new PlantState(
            live,
            VmIdByRequest.Where(p => live.ContainsKey(p.Value)).ToImmutableDictionary(StringComparer.Ordinal),
            Images.ToImmutableDictionary(i => i.ImageId),
            cache)
        {
            Learned = new LearnedCosts(
                (Learned ?? []).Where(l => !l.Key.StartsWith("kind:", StringComparison.Ordinal)).ToImmutableDictionary(l => l.Key),
                (Learned ?? []).Where(l => l.Key.StartsWith("kind:", StringComparison.Ordinal)).ToImmutableDictionary(l => l.Kind, l => l with { Key = l.Kind })),
        };
        return destroyed.Concat(Removed ?? []).Aggregate(state, (s, removed) => s.Remember(removed));
    }
}

/// <summary>An image's usage as a snapshot stores it.</summary>
public sealed record ImageUsageRecord(string ImageId, long Hits, DateTimeOffset LastUsed);
