using Akka.Actor;
using VMPlant.Actors.Domain;
using VMPlant.Messages;

namespace VMPlant.Actors.Shop;

/// <summary>
/// Answers one page of <see cref="ListPlants"/>: asks the plants that page may hold for their status (each bounded to
/// a page, images after the cursor) and answers the requester with whatever arrived before the timeout.
/// </summary>
public sealed class PlantStatusGatherer : ReceiveActor
{
    private readonly Dictionary<string, PlantStatus> _statuses = [];

    public PlantStatusGatherer(IReadOnlyDictionary<string, IActorRef> plants, IActorRef replyTo, TimeSpan timeout, ListPlants query, long maxBytes)
    {
        var (start, problem) = PlantPages.StartOf(query);
        if (problem is not null)
        {
            replyTo.Tell(new RequestRejected("plants", problem));
            Context.Stop(Self);
            return;
        }
        var asked = PlantPages.Candidates(plants.Keys, start!, query).ToList();
        var lastAsked = asked.Count > 0 && plants.Keys.Any(p => string.CompareOrdinal(p, asked[^1]) > 0) ? asked[^1] : null;

        Receive<PlantStatus>(status =>
        {
            _statuses[status.Plant] = status;
            if (_statuses.Count == asked.Count) Reply(replyTo, query, maxBytes, lastAsked);
        });
        Receive<ReceiveTimeout>(_ => Reply(replyTo, query, maxBytes, lastAsked));

        if (asked.Count == 0)
        {
            Reply(replyTo, query, maxBytes, lastAsked);
            return;
        }
        foreach (var plant in asked)
            plants[plant].Tell(new GetPlantStatus { ImagesAfter = start!.ImagesAfterFor(plant), MaxBytes = PlantPages.PlantBytes(maxBytes) });
        Context.SetReceiveTimeout(timeout);
    }

    public static Props Props(IReadOnlyDictionary<string, IActorRef> plants, IActorRef replyTo, TimeSpan timeout, ListPlants query, long maxBytes) =>
        Akka.Actor.Props.Create(() => new PlantStatusGatherer(plants, replyTo, timeout, query, maxBytes));

    private void Reply(IActorRef replyTo, ListPlants query, long maxBytes, string? lastAsked)
    {
        replyTo.Tell(PlantPages.Page(_statuses.Values, query, maxBytes, lastAsked));
        Context.Stop(Self);
    }
}
