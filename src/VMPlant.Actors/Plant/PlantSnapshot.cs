using System.Collections.Immutable;
using VMPlant.Actors.Domain;
using VMPlant.Actors.Serialization;

namespace VMPlant.Actors.Plant;

/// <summary>A plant's state at one sequence number; images are restored with their usage so eviction stays fair.</summary>
[EventVersion(1)]
public sealed record PlantSnapshot(
    ImmutableArray<PlantVm> Vms,
    ImmutableDictionary<string, string> VmIdByRequest,
    ImmutableArray<ImageRecord> Images,
    ImmutableArray<ImageUsage> Usage) : IVmPlantSnapshot
{
    public static PlantSnapshot Of(PlantState state) => new(
        state.Vms.Values.ToImmutableArray(),
        state.VmIdByRequest,
        state.Images.Values.ToImmutableArray(),
        state.Images.Keys.Select(id => state.Cache.UsageOf(id)).ToImmutableArray());

    public PlantState Restore(CachePolicy policy, GoldenImage baseImage)
    {
        var cache = Images.Aggregate(ImageCache.Create(policy, baseImage), (c, i) => c.Publish(PlantState.ToGoldenImage(i)));
        cache = Usage.Aggregate(cache, (c, u) => c.WithUsage(u));
        return new PlantState(
            Vms.ToImmutableDictionary(v => v.VmId),
            VmIdByRequest,
            Images.ToImmutableDictionary(i => i.ImageId),
            cache);
    }
}
