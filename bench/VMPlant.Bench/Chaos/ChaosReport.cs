using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace VMPlant.Bench.Chaos;

/// <summary>What a drill did and what came of it: the figures an operator (or a test) checks.</summary>
public sealed class ChaosReport
{
    public required string Scenario { get; init; }

    public required string Layout { get; init; }

    public required string ShopJournal { get; init; }

    public List<TimelineEntry> Timeline { get; } = [];

    /// <summary>Create requests the workload sent (each with its own request id).</summary>
    public int Sent { get; set; }

    /// <summary>Requests the client got an answer to during the drill (resends with the same id included).</summary>
    public int Acknowledged { get; set; }

    /// <summary>Requests that ended with a running VM, after the drill, when every id was asked once more.</summary>
    public int Completed { get; set; }

    /// <summary>Requests that ended with a clear refusal (e.g. no plant could host the VM).</summary>
    public int Failed { get; set; }

    /// <summary>Requests the client could not get answered within the deadline during the drill.</summary>
    public int ClientErrors { get; set; }

    /// <summary>Acknowledged requests whose VM is gone or changed, and requests still unanswered after the drill.</summary>
    public int Lost { get; set; }

    /// <summary>VMs built more than once for one request (on live plants), or answers that changed the VM id.</summary>
    public int Duplicated { get; set; }

    /// <summary>Live plants whose used capacity differs from the VMs the shop has on them.</summary>
    public int CapacityLeaks { get; set; }

    /// <summary>Seconds from the fault to the first request sent after it being answered (or the scenario's own measure).</summary>
    public double? RecoverySeconds { get; set; }

    /// <summary>
    /// How long the plant spent building the VM of that first answer (its create report's elapsed time): part of
    /// <see cref="RecoverySeconds"/> that is the drill's chosen build time (chaos.conf's action-time-scale), not the failover.
    /// </summary>
    public double? RecoveryBuildSeconds { get; set; }

    /// <summary>Nodes still running two shops after a partition (must be 0), when the scenario checks it.</summary>
    public int? ConcurrentShops { get; set; }

    /// <summary>Why each failed request failed (request id: the shop's reason).</summary>
    public List<string> Failures { get; } = [];

    public List<string> Problems { get; } = [];

    public bool Passed => Lost == 0 && Duplicated == 0 && CapacityLeaks == 0 && Problems.Count == 0 && ConcurrentShops is null or 0;

    private readonly DateTime _start = DateTime.UtcNow;

    public double Now => (DateTime.UtcNow - _start).TotalSeconds;

    public void Mark(string what) => Mark(Now, what);

    /// <summary>Seconds since the drill started at a wall-clock time (UTC).</summary>
    public double At(DateTime utc) => (utc - _start).TotalSeconds;

    /// <summary>The wall-clock time (UTC) of a point in the drill, in seconds since it started.</summary>
    public DateTime Utc(double at) => _start.AddSeconds(at);

    public void Mark(double at, string what)
    {
        lock (Timeline) Timeline.Add(new TimelineEntry(Math.Round(at, 3), what));
    }

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>Reads a report written by <see cref="ToJson"/> (e.g. by a drill run in another process).</summary>
    public static ChaosReport FromJson(string json) =>
        JsonSerializer.Deserialize<ChaosReport>(json, new JsonSerializerOptions(Json) { PreferredObjectCreationHandling = JsonObjectCreationHandling.Populate })
        ?? throw new InvalidOperationException("empty chaos report");

    public string Render()
    {
        var text = new StringBuilder()
            .AppendLine($"chaos drill: {Scenario}  ({Layout}; shop journal: {ShopJournal})")
            .AppendLine("timeline:");
        foreach (var entry in Timeline.OrderBy(e => e.At))
            text.AppendLine($"  {entry.At.ToString("0.000", CultureInfo.InvariantCulture),9} s  {entry.Event}");
        text.AppendLine($"time to recover   : {(RecoverySeconds is { } r ? r.ToString("0.00", CultureInfo.InvariantCulture) + " s" : "n/a")}" +
                        (RecoverySeconds is { } total && RecoveryBuildSeconds is { } build and > 0
                            ? string.Create(CultureInfo.InvariantCulture, $" (of which {build:0.00} s building its VM; {total - build:0.00} s without the build)")
                            : ""))
            .AppendLine($"requests          : sent {Sent}, acknowledged {Acknowledged}, completed {Completed}, failed {Failed}, " +
                        $"lost {Lost}, duplicated {Duplicated}")
            .AppendLine($"client errors     : {ClientErrors}")
            .AppendLine($"capacity leaks    : {CapacityLeaks}");
        if (ConcurrentShops is { } shops) text.AppendLine($"concurrent shops  : {shops}");
        foreach (var failure in Failures) text.AppendLine($"failed: {failure}");
        foreach (var problem in Problems) text.AppendLine($"problem: {problem}");
        text.Append(Passed ? "result: PASSED" : "result: FAILED");
        return text.ToString();
    }
}

public sealed record TimelineEntry(double At, string Event);
