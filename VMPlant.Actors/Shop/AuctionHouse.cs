using Akka.Actor;
using Akka.Event;
using VMPlant.Messages;

namespace VMPlant.Actors.Shop;

/// <summary>
/// The shop's registered plants and its auctions, a helper of the shop actor (it uses the shop's context and timers):
/// never two auctions for one request, and auctions held, like requests resumed after recovery, until the plants have
/// registered (<see cref="PlantDiscovery"/>).
/// </summary>
internal sealed class AuctionHouse(IActorContext context, Func<ITimerScheduler> timers, ShopSettings settings, ILoggingAdapter log, Func<string, bool> isJournaled)
{
    private static readonly TimeSpan HeldAuctionCheck = TimeSpan.FromMilliseconds(200);
    private readonly PlantDiscovery _discovery = new(settings.PlantDiscovery, settings.PlantWait);
    // Requests with an auction running or held right now, with the auction once launched.
    private readonly Dictionary<string, IActorRef?> _auctions = [];
    // Unfinished requests found at recovery wait, like new auctions, until the plants have re-registered.
    private bool _resumePending;

    public Dictionary<string, IActorRef> Plants { get; } = [];

    /// <summary>After recovery: the plants the journal names, and whether unfinished requests wait for them.</summary>
    public void Expect(IEnumerable<string> plants, bool resumePending)
    {
        _discovery.Expect(plants, DateTime.UtcNow);
        _resumePending = resumePending;
        if (_resumePending) WatchHeldWork();
    }

    public void Register(RegisterPlant register, Action resume)
    {
        if (Plants.TryGetValue(register.Plant, out var known) && known.Equals(register.PlantRef)) return;
        if (known is not null) context.Unwatch(known);
        Plants[register.Plant] = register.PlantRef;
        context.Watch(register.PlantRef);
        log.Info("Plant {Plant} registered ({Path})", register.Plant, register.PlantRef.Path);
        if (_discovery.Held > 0 || _resumePending) ReleaseHeld(resume);
    }

    /// <summary>Forgets a plant that is gone; returns the names it was registered under.</summary>
    public IReadOnlyList<string> Gone(IActorRef plant)
    {
        var names = Plants.Where(p => p.Value.Equals(plant)).Select(p => p.Key).ToList();
        foreach (var name in names)
        {
            Plants.Remove(name);
            log.Warning("Plant {Plant} is gone; it gets no more bid requests until it registers again", name);
        }
        return names;
    }

    public bool IsRunning(string requestId) => _auctions.ContainsKey(requestId);

    public IActorRef? Auction(string requestId) => _auctions.GetValueOrDefault(requestId);

    public void Ended(string requestId) => _auctions.Remove(requestId);

    /// <summary>Starts the request's auction unless one is already running or held.</summary>
    public void Start(string requestId, string vmId, VmSpec spec)
    {
        if (!_auctions.TryAdd(requestId, null)) return;
        LaunchOrHold(new AuctionRequest(requestId, vmId, spec, EstimateOnly: false, context.Self));
    }

    public void Estimate(VmSpec spec, IActorRef replyTo) =>
        LaunchOrHold(new AuctionRequest("estimate-" + Guid.NewGuid().ToString("N"), "", spec, EstimateOnly: true, replyTo));

    /// <summary>Launches held auctions once the plants are there, then resumes the recovered requests (once).</summary>
    public void ReleaseHeld(Action resume)
    {
        var now = DateTime.UtcNow;
        var ready = _discovery.Ready(Plants, now);
        foreach (var request in _discovery.Release(ready, now)) Launch(request);
        if (ready && _resumePending)
        {
            _resumePending = false;
            resume();
        }
        if (_discovery.Held == 0 && !_resumePending) timers().Cancel(nameof(ReleaseHeldAuctions));
    }

    private void LaunchOrHold(AuctionRequest request)
    {
        var now = DateTime.UtcNow;
        if (_discovery.Ready(Plants, now))
        {
            Launch(request);
            return;
        }
        WatchHeldWork();
        _discovery.Hold(request, now);
        log.Info("Holding the auction for {RequestId} until plants register ({Registered} registered so far)", request.RequestId, Plants.Count);
    }

    /// <summary>An auction for a request not journaled yet awards only once the RequestAccepted handler tells it.</summary>
    private void Launch(AuctionRequest request)
    {
        var auction = context.ActorOf(AuctionActor.Props(request with { Journaled = isJournaled(request.RequestId) }, Plants.ToDictionary(), settings));
        if (!request.EstimateOnly) _auctions[request.RequestId] = auction;
    }

    private void WatchHeldWork()
    {
        if (!timers().IsTimerActive(nameof(ReleaseHeldAuctions)))
            timers().StartPeriodicTimer(nameof(ReleaseHeldAuctions), ReleaseHeldAuctions.Instance, HeldAuctionCheck);
    }
}

/// <summary>The shop's timer for held auctions.</summary>
internal sealed record ReleaseHeldAuctions
{
    public static readonly ReleaseHeldAuctions Instance = new();
}
