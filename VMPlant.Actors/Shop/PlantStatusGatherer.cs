using System.Collections.Immutable;
using Akka.Actor;
using VMPlant.Actors.Domain;
using VMPlant.Messages;

namespace VMPlant.Actors.Shop;

/// <summary>Asks every plant for its status and answers the requester with whatever arrived before the timeout.</summary>
public sealed class PlantStatusGatherer : ReceiveActor
{
    private readonly Dictionary<string, PlantStatus> _statuses = [];

    public PlantStatusGatherer(IReadOnlyDictionary<string, IActorRef> plants, IActorRef replyTo, TimeSpan timeout)
    {
        Receive<PlantStatus>(status =>
        {
            _statuses[status.Plant] = status;
            if (_statuses.Count == plants.Count) Reply(replyTo);
        });
        Receive<ReceiveTimeout>(_ => Reply(replyTo));

        if (plants.Count == 0)
        {
            Reply(replyTo);
            return;
        }
        foreach (var plant in plants.Values) plant.Tell(GetPlantStatus.Instance);
        Context.SetReceiveTimeout(timeout);
    }

    public static Props Props(IReadOnlyDictionary<string, IActorRef> plants, IActorRef replyTo, TimeSpan timeout) =>
        Akka.Actor.Props.Create(() => new PlantStatusGatherer(plants, replyTo, timeout));

    private void Reply(IActorRef replyTo)
    {
        replyTo.Tell(new PlantList(_statuses.Values.OrderBy(s => s.Plant, StringComparer.Ordinal).ToImmutableArray()));
        Context.Stop(Self);
    }
}
