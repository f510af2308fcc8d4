using System.Collections.Immutable;

namespace VMPlant.Messages;

public enum VmState
{
    Building,
    Running,
    Failed,
    Destroyed,
    /// <summary>The journal knows the VM but the hypervisor no longer has it.</summary>
    Lost,
}

/// <summary>An action a VM has performed, with its content identity.</summary>
public sealed record PerformedAction(string Id, string Kind, string Identity);

/// <summary>A VM as the shop knows it; also the answer to <see cref="ShowVm"/>.</summary>
public sealed record VmInfo(
    string VmId,
    string Name,
    string Plant,
    VmState State,
    ResourceSpec Resources,
    string ImageId,
    ImmutableArray<PerformedAction> Actions,
    DateTimeOffset CreatedAt) : IVmPlantMessage;

/// <summary>A plant's offer for a request: the cheapest way it can finish the VM.</summary>
public sealed record BidSummary(
    string Plant,
    double Cost,
    string ImageId,
    int ReusedActions,
    int MissingActions,
    Capacity Free);

public sealed record DeclineSummary(string Plant, string Reason);

/// <summary>Why the shop chose what it chose and what the plant did.</summary>
public sealed record CreateReport(
    string Plant,
    string ImageId,
    ImmutableArray<string> PerformedActionIds,
    ImmutableArray<string> SkippedActionIds,
    double EstimatedCost,
    double ElapsedMs,
    ImmutableArray<BidSummary> Bids,
    ImmutableArray<DeclineSummary> Declines);

public sealed record Capacity(int Vcpus, long MemoryMiB, long DiskGiB);

public sealed record GoldenImageInfo(
    string ImageId,
    string Volume,
    ImmutableArray<PerformedAction> Actions,
    double BuildCost,
    long Hits);

public sealed record PlantStatus(
    string Plant,
    string HypervisorUri,
    bool HypervisorUp,
    Capacity Total,
    Capacity Free,
    int Vms,
    ImmutableArray<GoldenImageInfo> Images);
