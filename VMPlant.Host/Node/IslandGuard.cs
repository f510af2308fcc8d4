using Akka.Actor;
using Akka.Cluster;
using Akka.Event;

namespace VMPlant.Host.Node;

/// <summary>
/// Ends a node that is stranded in a cluster with no shop node in it. After false downings on an overloaded machine
/// a plant node was left as the last live member of a cluster whose shop nodes had all been downed and restarted
/// into another one: it stayed Up, answered nothing and never rejoined, because an Akka member cannot join a second
/// cluster. When no Up, reachable shop member has been seen for the configured time, the node downs itself: it shuts
/// down and `serve` exits with <c>ExitCodes.Removed</c>, so its supervisor (compose's restart policy, systemd) starts it
/// again and it joins the cluster its seeds form. A node still joining is not stranded (it keeps trying its seeds),
/// nor is a shop node (it can run the shop itself).
/// </summary>
public sealed class IslandGuard : ReceiveActor, IWithTimers
{
    private sealed record Check
    {
        public static readonly Check Instance = new();
    }

    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly Cluster _cluster = Cluster.Get(Context.System);
    private readonly string _shopRole;
    private readonly TimeSpan _patience;
    private DateTime _lastSeenShop = DateTime.UtcNow;

    public IslandGuard(string shopRole, TimeSpan patience)
    {
        _shopRole = shopRole;
        _patience = patience;
        Receive<Check>(_ => OnCheck());
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(string shopRole, TimeSpan patience) => Akka.Actor.Props.Create(() => new IslandGuard(shopRole, patience));

    /// <summary>Whether a member that has seen no shop member since <paramref name="lastSeenShop"/> is stranded at <paramref name="now"/>.</summary>
    public static bool IsStranded(bool selfUp, bool shopReachable, DateTime lastSeenShop, DateTime now, TimeSpan patience) =>
        selfUp && !shopReachable && now - lastSeenShop >= patience;

    protected override void PreStart() =>
        Timers.StartPeriodicTimer(Check.Instance, Check.Instance, TimeSpan.FromSeconds(Math.Clamp(_patience.TotalSeconds / 10, 0.2, 5)));

    private void OnCheck()
    {
        var state = _cluster.State;
        var selfUp = _cluster.SelfMember.Status == MemberStatus.Up;
        var shopReachable = state.Members.Any(m => m.Status == MemberStatus.Up && m.HasRole(_shopRole) && !state.Unreachable.Contains(m));
        var now = DateTime.UtcNow;
        // Only time spent Up counts: a node that is still joining is looking for its cluster, not stranded.
        if (shopReachable || !selfUp) _lastSeenShop = now;
        if (!IsStranded(selfUp, shopReachable, _lastSeenShop, now, _patience)) return;
        _log.Warning("No shop node has been reachable for {Patience}: this node is stranded in a cluster without a shop; leaving it (downing itself) so that a restart joins the cluster its seeds form",
            _patience);
        Timers.CancelAll();
        _cluster.Down(_cluster.SelfAddress);
    }
}
