using Akka;
using Akka.Actor;
using Akka.Configuration;
using Akka.Persistence.Query;
using Akka.Persistence.Sql.Query;
using Akka.Streams.Dsl;
using VMPlant.Host.Configuration;

namespace VMPlant.Host.Events;

/// <summary>
/// The shop's and plants' decisions as the SQL journal holds them, read with Akka.Persistence.Query
/// (akka.persistence.query.journal.sql, and the shop's own store when it has one): not a second log. The journal is
/// trimmed behind snapshots, so the past it shows reaches back to each actor's latest snapshot.
/// </summary>
public static class JournalFeed
{
    public const string ReadJournal = "akka.persistence.query.journal.sql";

    /// <summary>Every journaled event, oldest first; with <paramref name="follow"/> the stream then stays open for new ones.</summary>
    public static Source<JournalEvent, NotUsed> Events(ActorSystem system, Config config, bool follow)
    {
        var sources = ReadJournalIds(config)
            .Select(id => PersistenceQuery.Get(system).ReadJournalFor<SqlReadJournal>(id))
            .Select(journal => follow ? journal.AllEvents(Offset.NoOffset()) : journal.CurrentAllEvents(Offset.NoOffset()))
            .ToList();
        var all = sources.Count == 1 ? sources[0] : sources[0].Merge(sources[1]);
        return all
            .Where(e => e.PersistenceId == "shop" || e.PersistenceId.StartsWith("plant-", StringComparison.Ordinal))
            .Select(e => JournalEvent.Describe(e.PersistenceId, e.SequenceNr, e.Event, At(e.Timestamp)));
    }

    /// <summary>The node's journal, plus the shop's when the shop journals to a store of its own.</summary>
    public static IReadOnlyList<string> ReadJournalIds(Config config) =>
        string.IsNullOrWhiteSpace(config.GetString("vmplant.shop.persistence.connection-string", ""))
            ? [ReadJournal]
            : [ReadJournal, NodeConfig.ShopReadJournal];

    // Akka.Persistence.Sql stamps rows with DateTime ticks (UTC).
    private static DateTimeOffset At(long timestamp) =>
        timestamp > DateTime.MinValue.Ticks && timestamp < DateTime.MaxValue.Ticks ? new DateTimeOffset(timestamp, TimeSpan.Zero) : DateTimeOffset.UtcNow;
}
