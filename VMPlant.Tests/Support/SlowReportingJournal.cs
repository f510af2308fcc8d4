using System.Collections.Immutable;
using Akka.Persistence;
using Akka.Persistence.Journal;

namespace VMPlant.Tests.Support;

/// <summary>
/// An in-memory journal whose every write takes <see cref="WriteTime"/> (a slow disk) and is then announced on the
/// event stream as a <see cref="JournalWritten"/>, so specs can count writes and order them against messages.
/// </summary>
public sealed class SlowReportingJournal : MemoryJournal
{
    public static readonly TimeSpan WriteTime = TimeSpan.FromMilliseconds(150);

    public const string PluginId = "akka.persistence.journal.slow-reporting";

    public static string Hocon => $$"""
        akka.persistence.journal.plugin = "{{PluginId}}"
        {{PluginId}} {
          class = "{{typeof(SlowReportingJournal).AssemblyQualifiedName}}"
          plugin-dispatcher = "akka.actor.default-dispatcher"
        }

        """;

    protected override async Task<IImmutableList<Exception>> WriteMessagesAsync(IEnumerable<AtomicWrite> messages, CancellationToken cancellationToken)
    {
        var writes = messages.ToList();
        var eventStream = Context.System.EventStream;
        await Task.Delay(WriteTime, cancellationToken);
        var result = await base.WriteMessagesAsync(writes, cancellationToken);
        var events = writes.SelectMany(w => (IImmutableList<IPersistentRepresentation>)w.Payload).ToList();
        eventStream.Publish(new JournalWritten(events[0].PersistenceId, events.Select(e => e.Payload).ToImmutableArray()));
        return result;
    }
}

/// <summary>One journal write (one WriteMessages batch) of one persistent actor, with its events in order.</summary>
public sealed record JournalWritten(string PersistenceId, ImmutableArray<object> Events);
