using Akka.Actor;
using Akka.Persistence;

namespace VMPlant.Tests.Support;

/// <summary>Writes a prepared history under a persistence id (e.g. the shop's), answers "seeded" once it is written
/// and stops: an actor started afterwards recovers exactly that history.</summary>
public sealed class JournalSeeder : ReceivePersistentActor
{
    public JournalSeeder(string persistenceId, IReadOnlyList<object> events, IActorRef replyTo)
    {
        PersistenceId = persistenceId;
        Recover<object>(_ => { });
        Command<Seed>(_ =>
        {
            PersistAll(events, _ => { });
            DeferAsync("seeded", done =>
            {
                replyTo.Tell(done);
                Context.Stop(Self);
            });
        });
        Self.Tell(Seed.Instance);
    }

    public override string PersistenceId { get; }

    public static Props Props(string persistenceId, IReadOnlyList<object> events, IActorRef replyTo) =>
        Akka.Actor.Props.Create(() => new JournalSeeder(persistenceId, events, replyTo));

    private sealed record Seed
    {
        public static readonly Seed Instance = new();
    }
}
