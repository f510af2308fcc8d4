using System.Globalization;
using VMPlant.Actors.Shop;

namespace VMPlant.Bench.Chaos;

/// <summary>What a node's log says about the shop singleton: the start/stop markers ShopActor logs, and failed journal writes.</summary>
public static class ShopLog
{
    /// <summary>A shop singleton start (true) or stop (false) marker in a log line, with the time it carries (UTC).</summary>
    public static (DateTime At, bool Started)? Mark(string line)
    {
        foreach (var (marker, started) in new[] { (ShopActor.StartedMarker, true), (ShopActor.StoppedMarker, false) })
        {
            var at = line.IndexOf(marker, StringComparison.Ordinal);
            if (at < 0) continue;
            var stamp = line[(at + marker.Length)..].Trim().Split(' ')[0];
            var when = DateTime.TryParse(stamp, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var t) ? t.ToUniversalTime() : DateTime.UtcNow;
            return (when, started);
        }
        return null;
    }

    /// <summary>
    /// Akka.Persistence logs "Failed to persist event …" / "Rejected to persist event …" with the persistence id. A
    /// failure while *replaying* (a read, e.g. SQLite busy under load) is not a second writer: the shop's backoff
    /// supervisor starts it again and it recovers, so only write failures count.
    /// </summary>
    public static bool IsShopJournalFailure(string line) =>
        (line.Contains("Failed to persist", StringComparison.OrdinalIgnoreCase) || line.Contains("Rejected to persist", StringComparison.OrdinalIgnoreCase)
         || (line.Contains("Persistence failure", StringComparison.OrdinalIgnoreCase) && !line.Contains("when replaying", StringComparison.OrdinalIgnoreCase)))
        && line.Contains("persistenceId [shop]", StringComparison.Ordinal);
}

/// <summary>
/// One node's shop-relevant history for the "two shops never at once" check: its singleton markers and the times it
/// died (a process exits once; a container may die and be restarted several times).
/// </summary>
public sealed record ShopHistory(string Node, IReadOnlyList<(DateTime At, bool Started)> Marks, IReadOnlyList<DateTime> Deaths,
    IReadOnlyList<string> JournalFailures);
