using System.Collections.Immutable;
using VMPlant.Actors.Domain;
using VMPlant.Actors.Plant;

namespace VMPlant.Tests.Support;

public static class PlantSettingsBuilder
{
    /// <summary>A test-driver plant whose fake host lives in <paramref name="dataDir"/>.</summary>
    public static PlantSettings TestNode(
        string name,
        string dataDir,
        int cpus = 4,
        long memoryMiB = 8192,
        long poolGiB = 60,
        PublishRule publish = PublishRule.Always,
        bool publishCore = true,
        ImmutableArray<SeedImage>? seeds = null,
        string uri = PlantSettings.TestNodeUri) => new(
        name,
        uri,
        new TestNodeSize(cpus, memoryMiB, poolGiB),
        "vmplant",
        "test",
        new CostModel(CloneCost: 5, LoadWeight: 30),
        CpuOvercommit: 1.0,
        ReservedMemoryMiB: 0,
        BaseImageGiB: 2,
        ActionTimeScale: 0,
        new CachePolicy(publish, MinSavedCost: 0, MaxImages: 16, MaxBytes: 40L << 30, publishCore),
        seeds ?? ImmutableArray<SeedImage>.Empty,
        OrphanPolicy.Remove,
        dataDir,
        SnapshotEvery: 1000);
}
