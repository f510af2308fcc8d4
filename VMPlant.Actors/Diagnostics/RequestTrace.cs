using System.Diagnostics;

namespace VMPlant.Actors.Diagnostics;

/// <summary>Points a create request passes, in order, on the shop and on the plant that builds it.</summary>
public enum TracePoint
{
    /// <summary>The shop took a new create request (before journaling it).</summary>
    ShopReceived,
    /// <summary>The shop journaled RequestAccepted (plants bid meanwhile).</summary>
    ShopAccepted,
    /// <summary>The auction sent every plant a bid request.</summary>
    BidsRequested,
    /// <summary>The auction has every answer (or its timeout) and has ranked the bids: the placement decision.</summary>
    AwardDecided,
    /// <summary>The award went to the best bidder (once the request is journaled).</summary>
    AwardSent,
    /// <summary>The winning plant received the award.</summary>
    PlantAwarded,
    /// <summary>The plant journaled VmReserved (and accepts the award).</summary>
    PlantReserved,
    /// <summary>The auction heard the plant accept.</summary>
    AwardAccepted,
    /// <summary>The plant's builder starts its libvirt calls.</summary>
    BuildStarted,
    /// <summary>Clone, define, start and the missing actions are done in libvirt.</summary>
    LibvirtDone,
    /// <summary>The hypervisor checkpoint (the test-driver host's node file) is written.</summary>
    CheckpointDone,
    /// <summary>The plant journaled VmBuilt.</summary>
    PlantBuilt,
    /// <summary>The shop journaled RequestCompleted and answers the requester.</summary>
    ShopCompleted,
}

/// <summary>Receives trace points; called from actor and builder threads concurrently.</summary>
public interface IRequestTraceSink
{
    void Record(string requestId, TracePoint point, long timestamp);
}

/// <summary>
/// Opt-in timing of where a create request spends its time (bidding, journaling, libvirt), for benchmarks, and the
/// source of the placement and create latency metrics (<see cref="VmPlantMetrics"/>). With no sink installed and
/// metrics off, a mark is a timestamp, a null test and two flag tests. Timestamps are
/// <see cref="Stopwatch.GetTimestamp"/> ticks, comparable only within one process.
/// </summary>
public static class RequestTrace
{
    private static volatile IRequestTraceSink? _sink;

    public static IRequestTraceSink? Sink
    {
        get => _sink;
        set => _sink = value;
    }

    public static void Mark(string requestId, TracePoint point)
    {
        var sink = _sink;
        var now = Stopwatch.GetTimestamp();
        sink?.Record(requestId, point, now);
        VmPlantMetrics.Trace(requestId, point, now);
    }
}
