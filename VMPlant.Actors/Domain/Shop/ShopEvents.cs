using System.Collections.Immutable;
using VMPlant.Actors.Serialization;
using VMPlant.Messages;

namespace VMPlant.Actors.Domain;

/// <summary>The shop took responsibility for a request; from here on it is never forgotten.</summary>
[EventVersion(1)]
public sealed record RequestAccepted(string RequestId, string VmId, VmSpec Spec, DateTimeOffset At) : IVmPlantEvent;

/// <summary>A plant accepted the award; the bids that led there are kept for the requester's report.</summary>
[EventVersion(1)]
public sealed record RequestAwarded(
    string RequestId,
    string Plant,
    ImmutableArray<BidSummary> Bids,
    ImmutableArray<DeclineSummary> Declines) : IVmPlantEvent;

[EventVersion(1)]
public sealed record RequestCompleted(string RequestId, VmInfo Vm, CreateReport Report) : IVmPlantEvent;

[EventVersion(1)]
public sealed record RequestFailed(
    string RequestId,
    string Reason,
    ImmutableArray<BidSummary> Bids,
    ImmutableArray<DeclineSummary> Declines) : IVmPlantEvent;

/// <summary>A configure request finished on the VM's plant.</summary>
[EventVersion(1)]
public sealed record VmConfigured(string RequestId, VmInfo Vm, CreateReport Report) : IVmPlantEvent;

[EventVersion(1)]
public sealed record VmDeleted(string VmId, DateTimeOffset At) : IVmPlantEvent;
