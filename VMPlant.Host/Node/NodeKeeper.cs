using Akka.Actor;
using Akka.Cluster;
using Akka.Event;

namespace VMPlant.Host.Node;

/// <summary>
/// Brings back what must always run on this node when something stops it for good. The shop and the plants restart
/// themselves under their backoff supervisors, but a PoisonPill sent from inside the cluster to a supervisor itself (or
/// to the singleton manager) ends it, and nothing in Akka restarts it: the plant would be gone, and the singleton
/// manager stays "oldest" with no singleton, so every request would go unanswered. The keeper watches the node's
/// top-level services and starts a stopped one again under its own name; on the oldest shop node it also watches the
/// singleton and, when the singleton is gone while this node stays the oldest Up shop member, restarts the manager,
/// which then starts the singleton (recovering the shop from its journal). Nothing is restarted while the node shuts
/// down or leaves: then stopping is the point, and a hand-over is in progress.
/// </summary>
public sealed class NodeKeeper : ReceiveActor, IWithTimers
{
    /// <summary>A top-level actor the keeper keeps running: its name and how to start it again.</summary>
    public sealed record Service(string Name, Props Props, IActorRef Started);

    private sealed record LookForSingleton
    {
        public static readonly LookForSingleton Instance = new();
    }

    private sealed record CheckSingletonGone
    {
        public static readonly CheckSingletonGone Instance = new();
    }

    private sealed record Restart(Service Service);

    private const string Looking = "looking";
    private const string Rechecking = "rechecking";

    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly Cluster _cluster = Cluster.Get(Context.System);
    private readonly Dictionary<IActorRef, Service> _running = [];
    private readonly string? _singletonManager;
    private readonly string? _singletonPath;
    private readonly string _shopRole;
    private readonly TimeSpan _grace;
    private IActorRef? _singleton;

    public NodeKeeper(IEnumerable<Service> services, string? singletonManager, string shopRole, TimeSpan grace)
    {
        _singletonManager = singletonManager;
        _singletonPath = singletonManager is null ? null : $"/user/{singletonManager}/{SingletonName}";
        _shopRole = shopRole;
        _grace = grace;
        foreach (var service in services) Keep(service, service.Started);

        Receive<Terminated>(OnTerminated);
        Receive<Restart>(restart => Start(restart.Service));
        Receive<LookForSingleton>(_ =>
        {
            if (_singleton is null && IsOldestShopMember()) Context.ActorSelection(_singletonPath).Tell(new Identify(Looking));
        });
        Receive<CheckSingletonGone>(_ =>
        {
            if (IsOldestShopMember()) Context.ActorSelection(_singletonPath).Tell(new Identify(Rechecking));
        });
        Receive<ActorIdentity>(identity =>
        {
            if (identity.Subject is { } singleton && _singleton is null)
            {
                _singleton = singleton;
                Context.Watch(singleton);
            }
            else if (identity.Subject is null && Equals(identity.MessageId, Rechecking) && IsOldestShopMember())
                RestartSingletonManager();
        });
    }

    /// <summary>The singleton manager's child, as Akka names it.</summary>
    public const string SingletonName = "shop";

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(IEnumerable<Service> services, string? singletonManager, string shopRole, TimeSpan grace) =>
        Akka.Actor.Props.Create(() => new NodeKeeper(services.ToList(), singletonManager, shopRole, grace));

    protected override void PreStart()
    {
        if (_singletonPath is not null) Timers.StartPeriodicTimer(LookForSingleton.Instance, LookForSingleton.Instance, TimeSpan.FromSeconds(1));
    }

    private void Keep(Service service, IActorRef started)
    {
        _running[started] = service;
        Context.Watch(started);
    }

    private void OnTerminated(Terminated terminated)
    {
        if (Equals(terminated.ActorRef, _singleton))
        {
            _singleton = null;
            // A hand-over also stops the singleton: check again once it has had time to show up elsewhere or here.
            if (!Stopping) Timers.StartSingleTimer(CheckSingletonGone.Instance, CheckSingletonGone.Instance, _grace);
            return;
        }
        if (!_running.Remove(terminated.ActorRef, out var service) || Stopping) return;
        _log.Warning("{Service} stopped for good (a PoisonPill or Stop from inside the node?); starting it again", service.Name);
        Start(service);
    }

    private void RestartSingletonManager()
    {
        var manager = _running.FirstOrDefault(r => r.Value.Name == _singletonManager).Key;
        if (manager is null) return;
        _log.Warning("The shop singleton is gone while this node is still the oldest shop member; restarting its manager");
        // Terminated then starts it again (see OnTerminated), and the new manager starts the singleton.
        Context.Stop(manager);
    }

    private void Start(Service service)
    {
        if (Stopping) return;
        try
        {
            // Deliberately top-level again, under the name everything else addresses it by (not a child of the keeper).
#pragma warning disable AK1008
            Keep(service, Context.System.ActorOf(service.Props, service.Name));
#pragma warning restore AK1008
        }
        catch (InvalidActorNameException)
        {
            // The stopped actor's name is released just after its Terminated: try again shortly.
            Timers.StartSingleTimer(service.Name, new Restart(service), TimeSpan.FromMilliseconds(100));
        }
    }

    /// <summary>The node is shutting down or leaving: stopped services stay stopped.</summary>
    private bool Stopping =>
        CoordinatedShutdown.Get(Context.System).ShutdownReason is not null || _cluster.SelfMember.Status != MemberStatus.Up;

    private bool IsOldestShopMember()
    {
        if (_cluster.SelfMember.Status != MemberStatus.Up || !_cluster.SelfMember.HasRole(_shopRole)) return false;
        var oldest = _cluster.State.Members.Where(m => m.Status == MemberStatus.Up && m.HasRole(_shopRole))
            .Aggregate((Member?)null, (a, m) => a is null || m.IsOlderThan(a) ? m : a);
        return oldest is not null && oldest.UniqueAddress.Equals(_cluster.SelfUniqueAddress);
    }
}
