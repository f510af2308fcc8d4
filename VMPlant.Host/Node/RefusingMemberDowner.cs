using System.Net.Sockets;
using Akka.Actor;
using Akka.Cluster;
using Akka.Event;
using Akka.Remote;

namespace VMPlant.Host.Node;

/// <summary>
/// Downs a member whose process has died on a host that is still up, without waiting for the failure detector.
/// When a member's connection drops (or it turns unreachable), this node tries a plain TCP connection to the member's
/// cluster port: a refusal means nothing listens there any more — the process is gone (killed, crashed, exited),
/// however busy the machine. A stalled or cut-off member answers nothing or times out instead; those are left to the
/// failure detector and the split brain resolver, whose timing can then be generous (README, "Failover").
/// Only a node that still sees a majority of the members acts (<see cref="MayDown"/>), so a cut-off minority never
/// downs the rest even behind a firewall that rejects its connections.
/// </summary>
public sealed class RefusingMemberDowner : ReceiveActor
{
    private sealed record Probed(Member Member, SocketError? Error);

    /// <summary>What the log says when this node downs a member on a refusal (the chaos drills' timelines look for it).</summary>
    public const string ProcessGone = "refuses connections on its cluster port: its process is gone";

    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(2);

    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly Cluster _cluster = Cluster.Get(Context.System);
    private readonly HashSet<UniqueAddress> _probing = [];

    public RefusingMemberDowner()
    {
        Receive<DisassociatedEvent>(lost => Suspect(lost.RemoteAddress));
        Receive<AssociationErrorEvent>(failed => Suspect(failed.RemoteAddress));
        Receive<ClusterEvent.UnreachableMember>(unreachable => Suspect(unreachable.Member.Address));
        Receive<Probed>(OnProbed);
    }

    public static Props Props() => Akka.Actor.Props.Create(() => new RefusingMemberDowner());

    /// <summary>
    /// Whether this node may down a member on its own evidence: the members it still reaches (itself included, the
    /// suspect excluded) must be a strict majority of the members that count (not yet downed, exiting or removed).
    /// </summary>
    public static bool MayDown(int countedMembers, int reachableOthers) => 2 * reachableOthers > countedMembers;

    protected override void PreStart()
    {
        Context.System.EventStream.Subscribe(Self, typeof(DisassociatedEvent));
        Context.System.EventStream.Subscribe(Self, typeof(AssociationErrorEvent));
        _cluster.Subscribe(Self, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsEvents, typeof(ClusterEvent.UnreachableMember));
    }

    protected override void PostStop()
    {
        Context.System.EventStream.Unsubscribe(Self);
        _cluster.Unsubscribe(Self);
    }

    private void Suspect(Address address)
    {
        var member = _cluster.State.Members.FirstOrDefault(m => m.Address == address);
        if (member is null || !MayBeDowned(member) || member.UniqueAddress == _cluster.SelfUniqueAddress || !_probing.Add(member.UniqueAddress)) return;
        ProbeAsync(member).PipeTo(Self);
    }

    private static async Task<Probed> ProbeAsync(Member member)
    {
        using var client = new TcpClient();
        using var timeout = new CancellationTokenSource(ProbeTimeout);
        try
        {
            await client.ConnectAsync(member.Address.Host!, member.Address.Port!.Value, timeout.Token);
            return new Probed(member, null);
        }
        catch (SocketException e)
        {
            return new Probed(member, e.SocketErrorCode);
        }
        catch (OperationCanceledException)
        {
            return new Probed(member, SocketError.TimedOut);
        }
    }

    private void OnProbed(Probed probed)
    {
        _probing.Remove(probed.Member.UniqueAddress);
        if (probed.Error != SocketError.ConnectionRefused) return;
        var state = _cluster.State;
        var member = state.Members.FirstOrDefault(m => m.UniqueAddress == probed.Member.UniqueAddress);
        if (member is null || !MayBeDowned(member)) return;
        var counted = state.Members.Where(Counts).ToList();
        var reachableOthers = counted.Count(m => m.UniqueAddress != member.UniqueAddress && !state.Unreachable.Contains(m));
        if (!MayDown(counted.Count, reachableOthers))
        {
            _log.Warning("Member {Member} refuses connections on its cluster port, but this node reaches only {Reachable} of {Counted} members: leaving it to the split brain resolver",
                member.Address, reachableOthers, counted.Count);
            return;
        }
        _log.Warning("Member {Member} (roles [{Roles}]) " + ProcessGone + "; downing it", member.Address, string.Join(", ", member.Roles));
        _cluster.Down(member.Address);
        // The leader removes a downed member only once it is unreachable too, which the failure detector would say only
        // after its acceptable pause. That incarnation (address and uid) can never answer again: quarantining it marks
        // it terminated at once, and the removal (then the singleton's hand-over) follows.
        ((IRemoteActorRefProvider)((ExtendedActorSystem)Context.System).Provider).Quarantine(member.Address, member.UniqueAddress.Uid);
    }

    /// <summary>Members that still take part (a leaving one too, until it exits).</summary>
    private static bool Counts(Member member) => member.Status is not (MemberStatus.Down or MemberStatus.Exiting or MemberStatus.Removed);

    /// <summary>A leaving member's port closes when it exits, as it should: only members meant to stay are downed.</summary>
    private static bool MayBeDowned(Member member) => member.Status is MemberStatus.Up or MemberStatus.WeaklyUp or MemberStatus.Joining;
}
