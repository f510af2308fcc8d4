using Akka.Actor;

namespace VMPlant.Actors.Shop;

/// <summary>
/// Stands in for a requester whose answer arrives whole from a local actor (an estimate's auction): passes on only the
/// page that was asked for, then stops.
/// </summary>
public sealed class PagedReply : ReceiveActor
{
    public PagedReply(Func<object, object> page, IActorRef requester, TimeSpan patience)
    {
        // The auction always answers within its bid timeout; this only keeps a lost answer from leaving us behind.
        Receive<ReceiveTimeout>(_ => Context.Stop(Self));
        ReceiveAny(answer =>
        {
            requester.Tell(page(answer));
            Context.Stop(Self);
        });
        Context.SetReceiveTimeout(patience);
    }

    public static Props Props(Func<object, object> page, IActorRef requester, TimeSpan patience) =>
        Akka.Actor.Props.Create(() => new PagedReply(page, requester, patience));
}
