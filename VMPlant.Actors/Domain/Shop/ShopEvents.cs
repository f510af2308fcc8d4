using System.Collections.Immutable;
using VMPlant.Actors.Serialization;
using VMPlant.Messages;

namespace VMPlant.Actors.Domain;

/// <summary>The shop took responsibility for a request; from here on it is never forgotten.</summary>
[EventVersion(1)]
public sealed record RequestAccepted(string RequestId, string VmId, VmSpec Spec, DateTimeOffset At) : IVmPlantEvent
{
    /// <summary>Who the VM will belong to (the verified caller); null: anonymous. Absent in events written before owners existed.</summary>
    public string? Owner { get; init; }

    /// <summary>What was asked (<see cref="RequestFingerprint"/>), to tell a retry from another request reusing the id.
    /// Absent in events written before fingerprints existed: such a request compares as unknown.</summary>
    public string? Fingerprint { get; init; }
}

/// <summary>A plant accepted the award; the bids that led there are kept for the requester's report.</summary>
[EventVersion(1)]
public sealed record RequestAwarded(
    string RequestId,
    string Plant,
    ImmutableArray<BidSummary> Bids,
    ImmutableArray<DeclineSummary> Declines) : IVmPlantEvent;

/// <summary>
/// The VM runs. <see cref="Report"/>'s bids and declines are those of the request's award (journaled with
/// <see cref="RequestAwarded"/>); the event leaves them empty and applying it fills them in (events written before
/// 2026-12-02 carry a copy, which is used as it is).
/// </summary>
[EventVersion(1)]
public sealed record RequestCompleted(string RequestId, VmInfo Vm, CreateReport Report) : IVmPlantEvent
{
    /// <summary>When it was decided; absent in events written before (such a request counts as finished long ago).</summary>
    public DateTimeOffset? At { get; init; }
}

[EventVersion(1)]
public sealed record RequestFailed(
    string RequestId,
    string Reason,
    ImmutableArray<BidSummary> Bids,
    ImmutableArray<DeclineSummary> Declines) : IVmPlantEvent
{
    /// <summary>When it was decided; absent in events written before (such a request counts as finished long ago).</summary>
    public DateTimeOffset? At { get; init; }
}

/// <summary>A configure request finished on the VM's plant.</summary>
[EventVersion(1)]
public sealed record VmConfigured(string RequestId, VmInfo Vm, CreateReport Report) : IVmPlantEvent
{
    /// <summary>What was asked (<see cref="RequestFingerprint"/>); absent in events written before fingerprints existed.</summary>
    public string? Fingerprint { get; init; }

    /// <summary>When it was decided; absent in events written before (such a request counts as finished long ago).</summary>
    public DateTimeOffset? At { get; init; }
}

[EventVersion(1)]
public sealed record VmDeleted(string VmId, DateTimeOffset At) : IVmPlantEvent;
