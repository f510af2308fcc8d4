using System.Collections.Concurrent;
using System.Diagnostics;
using VMPlant.Actors.Diagnostics;

namespace VMPlant.Bench;

/// <summary>Collects <see cref="RequestTrace"/> marks per request (first mark of each point wins) while installed.</summary>
public sealed class TraceRecorder : IRequestTraceSink, IDisposable
{
    private static readonly int Points = Enum.GetValues<TracePoint>().Length;
    private readonly ConcurrentDictionary<string, long[]> _marks = new();

    private TraceRecorder() => RequestTrace.Sink = this;

    public static TraceRecorder Install() => new();

    public void Record(string requestId, TracePoint point, long timestamp)
    {
        var marks = _marks.GetOrAdd(requestId, _ => new long[Points]);
        Interlocked.CompareExchange(ref marks[(int)point], timestamp, 0);
    }

    /// <summary>The tick at which <paramref name="requestId"/> passed <paramref name="point"/>, or 0.</summary>
    public long At(string requestId, TracePoint point) => _marks.TryGetValue(requestId, out var marks) ? Volatile.Read(ref marks[(int)point]) : 0;

    /// <summary>The phases of a create, as (name, from, to).</summary>
    public static readonly (string Name, TracePoint From, TracePoint To)[] Phases =
    [
        ("auction starts, asks plants", TracePoint.ShopReceived, TracePoint.BidsRequested),
        ("bidding (all plants answer)", TracePoint.BidsRequested, TracePoint.AwardDecided),
        ("shop journals RequestAccepted (during bidding)", TracePoint.ShopReceived, TracePoint.ShopAccepted),
        ("award waits for that journal write", TracePoint.AwardDecided, TracePoint.AwardSent),
        ("award reaches the plant", TracePoint.AwardSent, TracePoint.PlantAwarded),
        ("plant journals VmReserved", TracePoint.PlantAwarded, TracePoint.PlantReserved),
        ("build task starts (from the award)", TracePoint.PlantAwarded, TracePoint.BuildStarted),
        ("libvirt: clone, define, start, actions", TracePoint.BuildStarted, TracePoint.LibvirtDone),
        ("checkpoint: test-node file", TracePoint.LibvirtDone, TracePoint.CheckpointDone),
        ("plant journals VmBuilt", TracePoint.CheckpointDone, TracePoint.PlantBuilt),
        ("shop journals RequestCompleted", TracePoint.PlantBuilt, TracePoint.ShopCompleted),
    ];

    /// <summary>Percentiles of each phase over the given requests (phases with no complete pair are left out).</summary>
    public IReadOnlyList<PhaseTiming> PhaseTimings(IEnumerable<string> requestIds)
    {
        var ids = requestIds.ToList();
        var timings = new List<PhaseTiming>();
        foreach (var (name, from, to) in Phases)
        {
            var samples = ids.Select(id => (From: At(id, from), To: At(id, to)))
                .Where(p => p.From != 0 && p.To != 0)
                .Select(p => Milliseconds(p.To - p.From))
                .ToList();
            if (samples.Count > 0) timings.Add(new PhaseTiming(name, Percentiles.Of(samples)));
        }
        return timings;
    }

    public static double Milliseconds(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;

    public void Dispose()
    {
        if (ReferenceEquals(RequestTrace.Sink, this)) RequestTrace.Sink = null;
    }
}
