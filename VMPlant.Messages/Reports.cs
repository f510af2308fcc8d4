using System.Collections.Immutable;
using System.Text.Json.Serialization;

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

/// <summary>An action a VM has performed, with its content identity; <paramref name="Output"/> when a real plant performed it for this VM.</summary>
public sealed record PerformedAction(string Id, string Kind, string Identity, ActionOutput? Output = null);

/// <summary>How performing one action went on a real plant: exit code, seconds, and the tails of its output.</summary>
public sealed record ActionOutput(int ExitCode, double Seconds, string Stdout, string Stderr);

/// <summary>What a real guest reported about itself when it booted (see vmplant-init), and its console's last lines.</summary>
public sealed record GuestReport(double BootSeconds, ImmutableArray<string> Facts, string ConsoleTail);

/// <summary>A VM as the shop knows it; also the answer to <see cref="ShowVm"/>.</summary>
public sealed record VmInfo(
    string VmId,
    string Name,
    string Plant,
    VmState State,
    Resources Resources,
    string ImageId,
    ImmutableArray<PerformedAction> Actions,
    DateTimeOffset CreatedAt,
    GuestReport? Guest = null) : IVmPlantMessage
{
    /// <summary>The caller that created the VM (see <see cref="Caller"/>); null: created anonymously.</summary>
    public string? Owner { get; init; }

    /// <summary>
    /// Set when <see cref="Actions"/> holds only part of the VM's actions (a reply is bounded by the remoting frame):
    /// <see cref="ShowVm"/> with this as <see cref="ShowVm.After"/> returns the actions that follow.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? ActionsNext { get; init; }
}

/// <summary>A plant's offer for a request: the cheapest way it can finish the VM.</summary>
public sealed record BidSummary(
    string Plant,
    double Cost,
    string ImageId,
    int ReusedActions,
    int MissingActions,
    Resources Free,
    ImmutableArray<ActionCostSource>? Costs = null);

/// <summary>
/// The cost a plant charged for one action in its bid: <paramref name="Learned"/> seconds when it has measured that
/// action (or its kind) before, <paramref name="Declared"/> otherwise; <paramref name="Source"/> says which.
/// </summary>
public sealed record ActionCostSource(string ActionId, double Declared, double? Learned, string Source, long Samples);

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

public sealed record GoldenImageInfo(
    string ImageId,
    string Volume,
    ImmutableArray<PerformedAction> Actions,
    double BuildCost,
    long Hits)
{
    /// <summary>Set when the image's actions alone would not fit in a page: how many of its last actions <see cref="Actions"/> leaves out.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? ActionsOmitted { get; init; }
}

public sealed record PlantStatus(
    string Plant,
    string HypervisorUri,
    bool HypervisorUp,
    Resources Total,
    Resources Free,
    int Vms,
    ImmutableArray<GoldenImageInfo> Images)
{
    /// <summary>Set when <see cref="Images"/> stops before the plant's last image: the id of the last image included.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? ImagesNext { get; init; }
}
