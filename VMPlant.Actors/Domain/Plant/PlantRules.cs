using System.Collections.Immutable;
using VMPlant.Messages;

namespace VMPlant.Actors.Domain;

/// <summary>The rules a plant decides by: the pure part of its settings.</summary>
/// <param name="CpuOvercommit">vCPUs offered per host CPU.</param>
/// <param name="ReservedMemoryMiB">Host memory kept back from VMs.</param>
/// <param name="BaseImageGiB">Pool space the base image occupies (not offered to VMs).</param>
public sealed record PlantRules(
    string Plant,
    CostModel CostModel,
    CachePolicy CachePolicy,
    double CpuOvercommit,
    long ReservedMemoryMiB,
    string BaseImageVolume,
    long BaseImageGiB)
{
    /// <summary>
    /// Whether an award's build may start while its reservation (<see cref="VmReserved"/>) is still being journaled: only
    /// when the plant removes what its journal does not know at restart (orphans = remove), so a crash before the write
    /// leaves nothing behind. The award's answer still waits for the write.
    /// </summary>
    public bool BuildsBeforeReservationJournaled { get; init; }

    public GoldenImage BaseImage => new(BaseImageVolume, BaseImageVolume, ImmutableHashSet<ActionIdentity>.Empty, 0, BaseImageGiB << 30, DateTimeOffset.UnixEpoch);

    /// <summary>What the host offers VMs: its raw size after overcommit, the host's memory reserve and the base image.</summary>
    public Resources Offered(Resources hostSize) => new(
        (int)Math.Floor(hostSize.Vcpus * CpuOvercommit),
        Math.Max(0, hostSize.MemoryMiB - ReservedMemoryMiB),
        hostSize.DiskGiB - BaseImageGiB);
}

/// <summary>A golden image imported at first start: the closure of <paramref name="UpTo"/> within <paramref name="Spec"/>.</summary>
/// <param name="Qcow2">A real plant's disk for it: a qcow2 file copied into the pool (bring your own base image).</param>
public sealed record SeedImage(VmSpec Spec, ImmutableArray<string> UpTo, string? Qcow2 = null);

/// <summary>A seed image to import: the closure of some actions of a spec, as an image record once its volume exists.</summary>
/// <param name="Seed">The seed it comes from (a real plant copies its qcow2).</param>
public sealed record SeedPlan(string ImageId, ImmutableArray<PerformedAction> Actions, double BuildCost, SeedImage? Seed = null)
{
    public ImageRecord Record(long sizeBytes, DateTimeOffset at) => new(ImageId, ImageId, Actions, BuildCost, sizeBytes, at, ImageOrigin.Seeded);
}

/// <summary>A golden image to copy from a VM's disk; its disk is counted as used from the decision until it is journaled or dropped.</summary>
public sealed record ImageCopy(string ImageId, string VmId, ImmutableArray<PerformedAction> Actions, double BuildCost, long DiskGiB);
