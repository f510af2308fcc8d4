using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using VMPlant.Actors.Domain;
using VMPlant.Actors.Serialization;
using VMPlant.Messages;

namespace VMPlant.Actors.Diagnostics;

/// <summary>
/// VMPlant's metrics (System.Diagnostics.Metrics, meter "VMPlant"), exported by the host through OpenTelemetry when
/// metrics are on. Actors add one call where something happens; with no listener every instrument is disabled and a
/// call costs a flag test. Latencies come from the request trace points the actors already mark.
/// </summary>
public static class VmPlantMetrics
{
    public const string MeterName = "VMPlant";

    private static readonly Meter Meter = new(MeterName, "1.0");

    private static readonly InstrumentAdvice<double> SecondsBuckets = new()
    {
        HistogramBucketBoundaries = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300],
    };

    /// <summary>Finished create requests by outcome: created, failed (no plant could or did build it), rejected (bad spec).</summary>
    public static readonly Counter<long> Requests = Meter.CreateCounter<long>("vmplant.requests", "{request}", "Create requests finished, by outcome");

    public static readonly Histogram<double> PlacementDuration = Meter.CreateHistogram("vmplant.placement.duration", "s",
        "From the shop taking a create request to the auction's award decision", advice: SecondsBuckets);

    public static readonly Histogram<double> CreateDuration = Meter.CreateHistogram("vmplant.create.duration", "s",
        "From the shop taking a create request to the VM running and the outcome journaled", advice: SecondsBuckets);

    public static readonly Counter<long> Bids = Meter.CreateCounter<long>("vmplant.bids", "{bid}", "Bids plants made, by plant");

    public static readonly Counter<long> Declines = Meter.CreateCounter<long>("vmplant.declines", "{decline}", "Bid requests plants declined, by plant and reason");

    /// <summary>Builds by what the image they started from held: full (nothing left to do), partial, miss (base image).</summary>
    public static readonly Counter<long> CacheLookups = Meter.CreateCounter<long>("vmplant.cache.lookups", "{build}", "Builds by cache result: full, partial or miss");

    public static readonly Counter<double> WorkSaved = Meter.CreateCounter<double>("vmplant.cache.work_saved", "s",
        "Estimated configuration work (action cost) not performed because a golden image already held it");

    public static readonly Counter<long> ImagesPublished = Meter.CreateCounter<long>("vmplant.images.published", "{image}", "Golden images journaled, by plant and origin");

    public static readonly Counter<long> ImagesEvicted = Meter.CreateCounter<long>("vmplant.images.evicted", "{image}", "Golden images evicted, by plant");

    public static readonly Histogram<double> JournalWriteDuration = Meter.CreateHistogram("vmplant.journal.write.duration", "s",
        "From Persist to the event handler (journal write, including waiting for earlier writes), by actor", advice: SecondsBuckets);

    /// <summary>Events journaled, by actor (shop, plant): with <see cref="HostSaves"/>, what each create costs the disks.</summary>
    public static readonly Counter<long> JournalEvents = Meter.CreateCounter<long>("vmplant.journal.events", "{event}", "Events journaled, by actor");

    /// <summary>Saves of test-driver hosts (each ends in an fsync), by kind: changes appended, or the whole host rewritten.</summary>
    public static readonly Counter<long> HostSaves = Meter.CreateCounter<long>("vmplant.testnode.saves", "{save}", "Test-driver host saves, by kind");

    public static readonly Counter<long> HostSavedBytes = Meter.CreateCounter<long>("vmplant.testnode.saved_bytes", "By", "Bytes written by test-driver host saves");

    public static readonly Gauge<int> PlantsRegistered = Meter.CreateGauge<int>("vmplant.plants.registered", "{plant}", "Plants registered with the shop singleton on this node");

    // Observed at each collection, so a singleton that started before the exporter was listening still counts.
    private static long _singletonStarts;
    private static long _singletonStops;

    public static readonly ObservableCounter<long> SingletonChanges = Meter.CreateObservableCounter("vmplant.shop.singleton.changes",
        () => new[]
        {
            new Measurement<long>(Interlocked.Read(ref _singletonStarts), new KeyValuePair<string, object?>("change", "started")),
            new Measurement<long>(Interlocked.Read(ref _singletonStops), new KeyValuePair<string, object?>("change", "stopped")),
        },
        "{change}", "Shop singleton starts and stops on this node");

    // Trace stamps of requests the shop took, until their placement and completion are recorded.
    private static readonly ConcurrentDictionary<string, long> Taken = new(StringComparer.Ordinal);
    private const int MaxTracked = 100_000;

    public static void Request(string outcome) => Requests.Add(1, new KeyValuePair<string, object?>("outcome", outcome));

    /// <summary>The shop journaled <paramref name="e"/>: a finished create request counts by its outcome.</summary>
    public static void ShopJournaled(IVmPlantEvent e)
    {
        JournalEvents.Add(1, new KeyValuePair<string, object?>("actor", "shop"));
        switch (e)
        {
            case RequestCompleted:
                Request("created");
                break;
            case RequestFailed failed:
                Request("failed");
                Taken.TryRemove(failed.RequestId, out _); // no completion will come to record its latency
                break;
        }
    }

    /// <summary>A plant answered: bids and declines (by reason) count.</summary>
    public static void PlantReplied(string plant, IVmPlantMessage reply)
    {
        switch (reply)
        {
            case Bid:
                Bids.Add(1, new KeyValuePair<string, object?>("plant", plant));
                break;
            case Decline decline:
                Declines.Add(1, new("plant", plant), new("reason", DeclineCategory(decline.Reason.Reason)));
                break;
        }
    }

    /// <summary>A plant journaled <paramref name="e"/>: images published and evicted count.</summary>
    public static void PlantJournaled(string plant, IVmPlantEvent e)
    {
        JournalEvents.Add(1, new KeyValuePair<string, object?>("actor", "plant"));
        switch (e)
        {
            case ImagePublished published:
                ImagesPublished.Add(1, new("plant", plant), new("origin", published.Image.Origin.ToString().ToLowerInvariant()));
                break;
            case ImageEvicted:
                ImagesEvicted.Add(1, new KeyValuePair<string, object?>("plant", plant));
                break;
        }
    }

    /// <summary>A plant took an award built from <paramref name="match"/>'s image.</summary>
    public static void BuildStarted(string plant, ImageMatch match)
    {
        var result = match.Missing.Count == 0 ? "full" : match.Reused.Count > 0 ? "partial" : "miss";
        CacheLookups.Add(1, new("plant", plant), new("result", result));
        WorkSaved.Add(match.Reused.Sum(a => a.Cost), new KeyValuePair<string, object?>("plant", plant));
    }

    public static void JournalWritten(string actor, long startedTimestamp) =>
        JournalWriteDuration.Record(Stopwatch.GetElapsedTime(startedTimestamp).TotalSeconds, new KeyValuePair<string, object?>("actor", actor));

    public static void HostSaved(string kind, long bytes)
    {
        HostSaves.Add(1, new KeyValuePair<string, object?>("kind", kind));
        HostSavedBytes.Add(bytes, new KeyValuePair<string, object?>("kind", kind));
    }

    public static void SingletonChanged(bool started)
    {
        if (started) Interlocked.Increment(ref _singletonStarts);
        else Interlocked.Increment(ref _singletonStops);
    }

    /// <summary>Fed by <see cref="RequestTrace.Mark"/>: placement and create latencies of the requests this node's shop took.</summary>
    internal static void Trace(string requestId, TracePoint point, long timestamp)
    {
        if (!CreateDuration.Enabled && !PlacementDuration.Enabled) return;
        switch (point)
        {
            case TracePoint.ShopReceived when Taken.Count < MaxTracked:
                Taken[requestId] = timestamp;
                break;
            case TracePoint.AwardDecided when Taken.TryGetValue(requestId, out var taken):
                PlacementDuration.Record(Stopwatch.GetElapsedTime(taken, timestamp).TotalSeconds);
                break;
            case TracePoint.ShopCompleted when Taken.TryRemove(requestId, out var taken):
                CreateDuration.Record(Stopwatch.GetElapsedTime(taken, timestamp).TotalSeconds);
                break;
        }
    }

    /// <summary>A decline reason as a small, fixed set of label values (the full text stays in the bid report).</summary>
    public static string DeclineCategory(string reason) =>
        reason.StartsWith("not enough vCPUs", StringComparison.Ordinal) ? "vcpus"
        : reason.StartsWith("not enough memory", StringComparison.Ordinal) ? "memory"
        : reason.StartsWith("not enough disk", StringComparison.Ordinal) ? "disk"
        : reason.StartsWith("hypervisor", StringComparison.Ordinal) ? "hypervisor"
        : reason.StartsWith("no usable image", StringComparison.Ordinal) ? "no-image"
        : "invalid-spec";
}
