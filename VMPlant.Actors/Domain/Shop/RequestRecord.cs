using System.Collections.Immutable;
using System.Text.Json.Serialization;
using VMPlant.Messages;

namespace VMPlant.Actors.Domain;

public enum RequestStatus
{
    Accepted,
    Awarded,
    Completed,
    Failed,
}

/// <summary>One create or configure request as the shop remembers it, with the answer it gave (once it has one).</summary>
public sealed record RequestRecord(
    string RequestId,
    string VmId,
    VmSpec? Spec,
    RequestStatus Status,
    string? Plant,
    ImmutableArray<BidSummary> Bids,
    ImmutableArray<DeclineSummary> Declines,
    VmCreated? Created,
    CreateVmFailed? Failure)
{
    /// <summary>The answer every requester of this id gets, once there is one.</summary>
    [JsonIgnore]
    public IVmPlantMessage? Outcome => (IVmPlantMessage?)Created ?? Failure;

    public bool IsFinished => Status is RequestStatus.Completed or RequestStatus.Failed;
}
