using System.Collections.Immutable;
using VMPlant.Actors.Domain;
using VMPlant.Messages;

namespace VMPlant.Actors.Plant;

/// <summary>A fake host for libvirt's test driver, written once into the plant's data directory.</summary>
public sealed record TestNodeSize(int Cpus, long MemoryMiB, long PoolGiB);

/// <summary>Everything one plant needs to know about its host and its policies.</summary>
/// <param name="Uri">libvirt URI, or <see cref="TestNodeUri"/> for a test-driver host kept in <paramref name="DataDir"/>.</param>
/// <param name="TestNodeDurable">
/// A test-driver plant saves its whole fake host to its node file at every checkpoint (O(domains) per build) so the
/// host survives a restart. Off trades that crash-consistency for speed: for benchmarks only.
/// </param>
public sealed record PlantSettings(
    string Name,
    string Uri,
    TestNodeSize TestNode,
    string Pool,
    string DomainType,
    CostModel CostModel,
    double CpuOvercommit,
    long ReservedMemoryMiB,
    long BaseImageGiB,
    double ActionTimeScale,
    CachePolicy CachePolicy,
    ImmutableArray<SeedImage> SeedImages,
    OrphanPolicy Orphans,
    string DataDir,
    int SnapshotEvery,
    bool TestNodeDurable = true,
    RealVmSettings? Real = null)
{
    /// <summary>
    /// The path (without address) of the only actor whose awards, destroys and configures this plant obeys — the shop
    /// singleton; null: any sender (actor specs drive plants from test probes).
    /// </summary>
    public string? ShopPath { get; init; }

    public const string TestNodeUri = "test-node";

    public string BaseImageVolume => "base";

    public string PersistenceId => $"plant-{Name}";

    /// <summary>The part of these settings the plant's ledger decides by.</summary>
    public PlantRules Rules => new(Name, CostModel, CachePolicy, CpuOvercommit, ReservedMemoryMiB, BaseImageVolume, BaseImageGiB)
    {
        BuildsBeforeReservationJournaled = Orphans == OrphanPolicy.Remove,
    };
}
