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
    /// <summary>Who the VM belongs to once built (see <see cref="RequestAccepted.Owner"/>).</summary>
    public string? Owner { get; init; }

    /// <summary>What the request asked for (<see cref="RequestFingerprint"/>): kept when the spec is dropped, so a
    /// request id reused for something else is refused. Null for requests journaled before fingerprints existed.</summary>
    public string? Fingerprint { get; init; }

    /// <summary>When it finished (the finishing event's time); null while unfinished, or when journaled before times were.</summary>
    public DateTimeOffset? FinishedAt { get; init; }

    /// <summary>The answer every requester of this id gets, once there is one.</summary>
    [JsonIgnore]
    public IVmPlantMessage? Outcome => (IVmPlantMessage?)Created ?? Failure;

    public bool IsFinished => Status is RequestStatus.Completed or RequestStatus.Failed;
}
