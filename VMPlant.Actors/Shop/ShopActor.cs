using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Text;
using Akka.Actor;
using Akka.Event;
using Akka.Persistence;
using VMPlant.Actors.Diagnostics;
using VMPlant.Actors.Domain;
using VMPlant.Actors.Serialization;
using VMPlant.Messages;

namespace VMPlant.Actors.Shop;

/// <summary>
/// The broker (a cluster singleton): takes requests, runs an auction among the registered plants for each,
/// and remembers every request and VM. A request is journaled before it is acknowledged, and the same
/// request id always gets the same answer.
/// </summary>
/// <remarks>
/// Group commit: events are journaled with PersistAsync, so while one journal write is in flight the shop keeps
/// taking commands and their events travel together in the next write. The shop decides on everything it has
/// journaled or is journaling (<c>_state</c>), but nothing it says leaves before what it is based on is journaled:
/// answers go out in event handlers or through <see cref="AfterJournal"/>.
/// </remarks>
public sealed class ShopActor : SnapshottingActor, IWithTimers
{
    private readonly ShopSettings _settings;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly Dictionary<string, IActorRef> _plants = [];
    private readonly Dictionary<string, List<IActorRef>> _waiting = [];
    private readonly Dictionary<string, List<IActorRef>> _destroying = [];
    // Plant outcomes that overtook their own award decision (the auction reports after the plant accepted).
    private readonly Dictionary<string, object> _outcomesBeforeAward = [];
    // Requests with an auction running or held right now (never two auctions for one request), with the auction once launched.
    private readonly Dictionary<string, IActorRef?> _auctions = [];
    private readonly PlantDiscovery _discovery;
    // Unfinished requests found at recovery wait, like new auctions, until the plants have re-registered.
    private bool _resumePending;
    // What the shop has decided: the journal plus events still being written. Every decision reads it.
    private ShopState _state = ShopState.Empty;
    // What the journal holds: snapshots are taken of it, and auctions award only requests it holds.
    private ShopState _journaled = ShopState.Empty;

    private static readonly TimeSpan HeldAuctionCheck = TimeSpan.FromMilliseconds(200);

    public ShopActor(ShopSettings settings)
    {
        _settings = settings;
        _discovery = new PlantDiscovery(DateTime.UtcNow, settings.PlantDiscovery, settings.PlantWait);
        if (settings.JournalPluginId.Length > 0) JournalPluginId = settings.JournalPluginId;
        if (settings.SnapshotPluginId.Length > 0) SnapshotPluginId = settings.SnapshotPluginId;

        RecoverWith<ShopSnapshot>(snapshot => _state = snapshot.Restore(), e => _state = _state.Apply(e), OnRecoveryCompleted);

        Command<RegisterPlant>(OnRegisterPlant);
        Command<Terminated>(OnPlantTerminated);
        Command<CreateVm>(OnCreateVm);
        Command<EstimateVm>(OnEstimate);
        Command<AuctionAwarded>(OnAwarded);
        Command<AuctionFailed>(OnAuctionFailed);
        Command<VmReady>(OnVmReady);
        Command<VmFailed>(OnVmFailed);
        Command<ConfigureVm>(OnConfigure);
        Command<RequestRejected>(OnRejectedByPlant);
        Command<ShowVm>(show => SendAfterJournal(Sender, _state.Vms.TryGetValue(show.VmId, out var vm) ? vm : new VmNotFound(show.VmId)));
        Command<ListVms>(list => SendAfterJournal(Sender, VmQuery.Invalid(list.Where) is { } error
            ? new RequestRejected("list", error)
            : new VmList(VmQuery.Filter(_state.Vms.Values, list.Where))));
        Command<DestroyVm>(OnDestroy);
        Command<VmDestroyed>(OnPlantDestroyed);
        Command<VmNotFound>(OnPlantNotFound);
        Command<ListPlants>(_ => Context.ActorOf(PlantStatusGatherer.Props(_plants, Sender, _settings.StatusTimeout)));
        Command<ReleaseHeldAuctions>(_ => ReleaseHeld());
        // Answers to awards the shop itself resent after recovery (auctions' own awards go to the auctions).
        Command<AwardAccepted>(_ => { });
        Command<AwardRefused>(OnResumedAwardRefused);
        Command<StopShop>(_ =>
        {
            // Nothing decided may be lost: stop once it is all journaled, taking no new commands meanwhile.
            Become(() => { });
            AfterJournal(() => Context.Stop(Self));
        });
        HandleSnapshotHousekeeping(_log, "Shop");
    }

    protected override int SnapshotEvery => _settings.SnapshotEvery;

    public override string PersistenceId => ShopSettings.PersistenceId;

    /// <summary>Log marker of the singleton's lifetime (drills check that two shops never run at once).</summary>
    public const string StartedMarker = "Shop singleton started at";

    /// <summary>Log marker of the singleton's end; nothing is journaled after it.</summary>
    public const string StoppedMarker = "Shop singleton stopped at";

    protected override void PreStart()
    {
        _log.Info(StartedMarker + " {At}", DateTime.UtcNow.ToString("O"));
        VmPlantMetrics.SingletonChanged("started");
        base.PreStart();
    }

    protected override void PostStop()
    {
        base.PostStop();
        _log.Info(StoppedMarker + " {At}", DateTime.UtcNow.ToString("O"));
        VmPlantMetrics.SingletonChanged("stopped");
        VmPlantMetrics.PlantsRegistered.Record(0);
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(ShopSettings settings) => Akka.Actor.Props.Create(() => new ShopActor(settings));

    private void OnRecoveryCompleted()
    {
        _journaled = _state;
        var unfinished = _state.Unfinished.Count();
        _log.Info("Shop recovered {Requests} requests, {Vms} VMs, {Unfinished} unfinished", _state.Requests.Count, _state.Vms.Count, unfinished);
        _discovery.Expect(_state.Vms.Values.Where(v => v.State == VmState.Running).Select(v => v.Plant)
            .Concat(_state.Unfinished.Where(r => r.Plant is not null).Select(r => r.Plant!)));
        _resumePending = unfinished > 0;
        if (_resumePending) WatchHeldWork();
    }

    private void OnRegisterPlant(RegisterPlant register)
    {
        if (_plants.TryGetValue(register.Plant, out var known) && known.Equals(register.PlantRef)) return;
        if (known is not null) Context.Unwatch(known);
        _plants[register.Plant] = register.PlantRef;
        Context.Watch(register.PlantRef);
        _log.Info("Plant {Plant} registered ({Path})", register.Plant, register.PlantRef.Path);
        VmPlantMetrics.PlantsRegistered.Record(_plants.Count);
        if (_discovery.Held > 0 || _resumePending) ReleaseHeld();
    }

    private void OnPlantTerminated(Terminated terminated)
    {
        foreach (var name in _plants.Where(p => p.Value.Equals(terminated.ActorRef)).Select(p => p.Key).ToList())
        {
            _plants.Remove(name);
            VmPlantMetrics.PlantsRegistered.Record(_plants.Count);
            _log.Warning("Plant {Plant} is gone; it gets no more bid requests until it registers again", name);
            // Requests it was building are bid again (same VM id); if it comes back with the VM, the duplicate is removed.
            foreach (var request in _state.Unfinished.Where(r => r.Status == RequestStatus.Awarded && r.Plant == name && !_auctions.ContainsKey(r.RequestId)).ToList())
            {
                _log.Warning("Re-bidding {RequestId}: plant {Plant}, which was building it, is gone", request.RequestId, name);
                StartAuction(request.RequestId, request.VmId, request.Spec!);
            }
        }
    }

    private void OnCreateVm(CreateVm create)
    {
        if (_state.Requests.TryGetValue(create.RequestId, out var known))
        {
            // Also a duplicate of a request still being journaled: it waits for the one outcome.
            if (known.Outcome is { } outcome) SendAfterJournal(Sender, outcome);
            else Wait(create.RequestId, Sender);
            return;
        }
        if (Reject(create.RequestId, create.Spec) is { } rejection)
        {
            Sender.Tell(rejection);
            VmPlantMetrics.Request("rejected");
            return;
        }
        RequestTrace.Mark(create.RequestId, TracePoint.ShopReceived);
        Wait(create.RequestId, Sender);
        // Bids have no side effects, so plants bid while the request is being journaled; the auction awards only
        // once told the request is journaled (a crash before that loses nothing that was promised).
        var accepted = new RequestAccepted(create.RequestId, NewVmId(create), create.Spec, DateTimeOffset.UtcNow);
        Commit(accepted, e =>
        {
            RequestTrace.Mark(e.RequestId, TracePoint.ShopAccepted);
            if (_auctions.GetValueOrDefault(e.RequestId) is { } auction) auction.Tell(RequestJournaled.Instance);
        });
        StartAuction(accepted.RequestId, accepted.VmId, accepted.Spec);
    }

    private void OnEstimate(EstimateVm estimate)
    {
        if (Reject("estimate", estimate.Spec) is { } rejection)
        {
            Sender.Tell(rejection);
            return;
        }
        LaunchOrHold(new AuctionRequest("estimate-" + Guid.NewGuid().ToString("N"), "", estimate.Spec, EstimateOnly: true, Sender));
    }

    /// <summary>Starts the request's auction unless one is already running or held.</summary>
    private void StartAuction(string requestId, string vmId, VmSpec spec)
    {
        if (!_auctions.TryAdd(requestId, null)) return;
        LaunchOrHold(new AuctionRequest(requestId, vmId, spec, EstimateOnly: false, Self));
    }

    private void LaunchOrHold(AuctionRequest request)
    {
        var now = DateTime.UtcNow;
        if (_discovery.Ready(_plants, now))
        {
            Launch(request);
            return;
        }
        WatchHeldWork();
        _discovery.Hold(request, now);
        _log.Info("Holding the auction for {RequestId} until plants register ({Registered} registered so far)", request.RequestId, _plants.Count);
    }

    /// <summary>An auction for a request not journaled yet awards only once the RequestAccepted handler tells it.</summary>
    private void Launch(AuctionRequest request)
    {
        var auction = Context.ActorOf(AuctionActor.Props(request with { Journaled = _journaled.Requests.ContainsKey(request.RequestId) },
            _plants.ToDictionary(), _settings));
        if (!request.EstimateOnly) _auctions[request.RequestId] = auction;
    }

    private void WatchHeldWork()
    {
        if (!Timers.IsTimerActive(nameof(ReleaseHeldAuctions)))
            Timers.StartPeriodicTimer(nameof(ReleaseHeldAuctions), ReleaseHeldAuctions.Instance, HeldAuctionCheck);
    }

    private void ReleaseHeld()
    {
        var now = DateTime.UtcNow;
        var ready = _discovery.Ready(_plants, now);
        foreach (var request in _discovery.Release(ready, now)) Launch(request);
        if (ready && _resumePending)
        {
            _resumePending = false;
            ResumeUnfinishedRequests();
        }
        if (_discovery.Held == 0 && !_resumePending) Timers.Cancel(nameof(ReleaseHeldAuctions));
    }

    private void OnAwarded(AuctionAwarded awarded)
    {
        _auctions.Remove(awarded.RequestId);
        // A re-bid that lost the race with the original plant's late outcome: the request is already answered.
        if (_state.Requests.TryGetValue(awarded.RequestId, out var known) && known.IsFinished) return;
        Commit(new RequestAwarded(awarded.RequestId, awarded.Plant, awarded.Bids, awarded.Declines), _ => { });
        if (_outcomesBeforeAward.Remove(awarded.RequestId, out var outcome)) Self.Tell(outcome, Sender);
    }

    /// <summary>True (and the outcome kept for later) when the plant answered before the auction reported its award.</summary>
    private bool ArrivedBeforeAward(string requestId, object outcome)
    {
        if (!_state.Requests.TryGetValue(requestId, out var request) || request.Status != RequestStatus.Accepted) return false;
        _outcomesBeforeAward[requestId] = outcome;
        return true;
    }

    private void OnAuctionFailed(AuctionFailed failed)
    {
        _auctions.Remove(failed.RequestId);
        if (_state.Requests.TryGetValue(failed.RequestId, out var known) && known.IsFinished) return;
        Commit(new RequestFailed(failed.RequestId, failed.Reason, failed.Bids, failed.Declines), e => Answer(e.RequestId));
        VmPlantMetrics.RequestFailed(failed.RequestId);
    }

    private void OnVmReady(VmReady ready)
    {
        if (ArrivedBeforeAward(ready.RequestId, ready)) return;
        if (!_state.Requests.TryGetValue(ready.RequestId, out var request) || request.Status == RequestStatus.Completed)
        {
            if (request?.Created is { } done && done.Vm.Plant != ready.Vm.Plant)
            {
                // A plant that was unreachable when the request was re-bid finished it too: keep one VM only.
                _log.Warning("{RequestId} was completed on {Plant}; removing the duplicate {Plant2} built", ready.RequestId, done.Vm.Plant, ready.Vm.Plant);
                SendAfterJournal(Sender, new DestroyVm(ready.Vm.VmId));
                return;
            }
            // A plant repeating itself (resent award, re-registration after failover): the outcome is already known.
            if (request?.Outcome is not null) AfterJournal(() => Answer(ready.RequestId));
            else if (request is null && _waiting.ContainsKey(ready.RequestId)) Configured(ready);
            return;
        }
        var report = ready.Report with { Bids = request.Bids, Declines = request.Declines };
        Commit(new RequestCompleted(ready.RequestId, ready.Vm, report), e =>
        {
            RequestTrace.Mark(e.RequestId, TracePoint.ShopCompleted);
            VmPlantMetrics.Request("created");
            _log.Info("{VmId} for {RequestId} is running on {Plant} (image {ImageId}, {Performed} actions performed)",
                e.Vm.VmId, e.RequestId, e.Vm.Plant, e.Vm.ImageId, e.Report.PerformedActionIds.Length);
            Answer(e.RequestId);
        });
    }

    private void OnVmFailed(VmFailed failed)
    {
        if (ArrivedBeforeAward(failed.RequestId, failed)) return;
        if (_state.Requests.TryGetValue(failed.RequestId, out var request))
        {
            if (request.IsFinished) return;
            Commit(new RequestFailed(failed.RequestId, failed.Reason, request.Bids, request.Declines), e => Answer(e.RequestId));
            VmPlantMetrics.RequestFailed(failed.RequestId);
            return;
        }
        // A configure request that failed on the plant: nothing was changed, so nothing is journaled.
        Reply(failed.RequestId, new CreateVmFailed(failed.RequestId, failed.Reason, ImmutableArray<BidSummary>.Empty, ImmutableArray<DeclineSummary>.Empty));
    }

    private void OnConfigure(ConfigureVm configure)
    {
        if (_state.Requests.TryGetValue(configure.RequestId, out var known) && known.Outcome is { } outcome)
        {
            SendAfterJournal(Sender, outcome);
            return;
        }
        if (!_state.Vms.TryGetValue(configure.VmId, out var vm) || vm.State != VmState.Running)
        {
            SendAfterJournal(Sender, new VmNotFound(configure.VmId));
            return;
        }
        if (!_plants.TryGetValue(vm.Plant, out var plant))
        {
            Sender.Tell(new RequestRejected(configure.RequestId, $"plant {vm.Plant}, which holds {vm.VmId}, is not reachable"));
            return;
        }
        Wait(configure.RequestId, Sender);
        SendAfterJournal(plant, new ConfigurePlantVm(configure.RequestId, configure.VmId, configure.Actions));
    }

    private void Configured(VmReady ready) => Commit(new VmConfigured(ready.RequestId, ready.Vm, ready.Report), e => Answer(e.RequestId));

    private void OnRejectedByPlant(RequestRejected rejected)
    {
        Reply(rejected.RequestId, rejected);
        Reply(_destroying, rejected.RequestId, rejected);
    }

    private void OnDestroy(DestroyVm destroy)
    {
        if (!_state.Vms.TryGetValue(destroy.VmId, out var vm) || vm.State == VmState.Destroyed)
        {
            SendAfterJournal(Sender, new VmNotFound(destroy.VmId));
            return;
        }
        if (!_plants.TryGetValue(vm.Plant, out var plant))
        {
            Sender.Tell(new RequestRejected(destroy.VmId, $"plant {vm.Plant}, which holds {vm.VmId}, is not reachable"));
            return;
        }
        if (!_destroying.TryGetValue(destroy.VmId, out var waiting))
        {
            _destroying[destroy.VmId] = waiting = [];
            SendAfterJournal(plant, destroy);
        }
        waiting.Add(Sender);
    }

    private void OnPlantDestroyed(VmDestroyed destroyed)
    {
        if (_state.Vms.TryGetValue(destroyed.VmId, out var vm) && vm.Plant != destroyed.Plant)
        {
            _log.Info("Duplicate {VmId} removed from {Plant}; the VM on {Owner} stays", destroyed.VmId, destroyed.Plant, vm.Plant);
            return;
        }
        Commit(new VmDeleted(destroyed.VmId, DateTimeOffset.UtcNow), e => Reply(_destroying, e.VmId, destroyed));
    }

    /// <summary>The plant no longer has the VM: the shop's record was stale, so it is closed.</summary>
    private void OnPlantNotFound(VmNotFound notFound) =>
        Commit(new VmDeleted(notFound.VmId, DateTimeOffset.UtcNow), e => Reply(_destroying, e.VmId, notFound));

    private void ResumeUnfinishedRequests()
    {
        foreach (var request in _state.Unfinished.Where(r => !_auctions.ContainsKey(r.RequestId)).ToList())
        {
            if (request.Status == RequestStatus.Awarded && request.Plant is { } name && _plants.TryGetValue(name, out var plant))
            {
                // Awards are idempotent on the plant: it repeats the outcome if the VM is already built.
                _log.Info("Resuming {RequestId}: asking {Plant} again for the VM it was awarded", request.RequestId, name);
                SendAfterJournal(plant, new Award(request.RequestId, request.VmId, request.Spec!));
            }
            else
            {
                _log.Info("Resuming {RequestId}: bidding again", request.RequestId);
                StartAuction(request.RequestId, request.VmId, request.Spec!);
            }
        }
    }

    /// <summary>A plant no longer honours an award it was given before the failover: the request is bid again.</summary>
    private void OnResumedAwardRefused(AwardRefused refused)
    {
        if (!_state.Requests.TryGetValue(refused.RequestId, out var request) || request.IsFinished ||
            request.Plant != refused.Plant || _auctions.ContainsKey(refused.RequestId)) return;
        _log.Warning("Plant {Plant} refused the resumed award of {RequestId} ({Reason}); bidding again", refused.Plant, refused.RequestId, refused.Reason);
        StartAuction(request.RequestId, request.VmId, request.Spec!);
    }

    private RequestRejected? Reject(string requestId, VmSpec spec)
    {
        try
        {
            ConfigDag.Build(spec);
            return null;
        }
        catch (SpecValidationException e)
        {
            return new RequestRejected(requestId, e.Message);
        }
    }

    private void Wait(string requestId, IActorRef requester)
    {
        if (!_waiting.TryGetValue(requestId, out var waiting)) _waiting[requestId] = waiting = [];
        waiting.Add(requester);
    }

    /// <summary>
    /// Journals <paramref name="e"/> in the next group write; the shop decides on it at once, and
    /// <paramref name="whenJournaled"/> (which may answer) runs once it is journaled, in journal order.
    /// </summary>
    private void Commit<TEvent>(TEvent e, Action<TEvent> whenJournaled) where TEvent : IVmPlantEvent
    {
        _state = _state.Apply(e);
        var persisting = System.Diagnostics.Stopwatch.GetTimestamp();
        PersistAsync(e, journaled =>
        {
            VmPlantMetrics.JournalWritten("shop", persisting);
            _journaled = _journaled.Apply(journaled);
            whenJournaled(journaled);
            SnapshotIfDue();
        });
    }

    /// <summary>Runs once every event decided so far is journaled (at once when none is being written).
    /// Never from an event handler: there it would wait for later writes too.</summary>
    private void AfterJournal(Action send) => DeferAsync(send, s => s());

    private void SendAfterJournal(IActorRef target, object message) => AfterJournal(() => target.Tell(message));

    /// <summary>The shop has decided on an event the journal refused to store: start over from what it holds.</summary>
    protected override void OnPersistRejected(Exception cause, object @event, long sequenceNr)
    {
        base.OnPersistRejected(cause, @event, sequenceNr);
        throw new InvalidOperationException($"the journal rejected shop event {sequenceNr} ({@event.GetType().Name}); restarting from the journal", cause);
    }

    /// <summary>Answers everyone waiting for the request; call where its outcome is journaled.</summary>
    private void Answer(string requestId)
    {
        if (_journaled.Requests.TryGetValue(requestId, out var request) && request.Outcome is { } outcome)
            Reply(requestId, outcome);
    }

    private void Reply(string requestId, object answer) => Reply(_waiting, requestId, answer);

    private static void Reply(Dictionary<string, List<IActorRef>> waiting, string key, object answer)
    {
        if (!waiting.Remove(key, out var requesters)) return;
        foreach (var requester in requesters) requester.Tell(answer);
    }

    private void SnapshotIfDue() => SnapshotIfDue(() => ShopSnapshot.Of(_journaled));

    /// <summary>VM ids are derived from the request id, so a retried request can never mint a second VM.</summary>
    private static string NewVmId(CreateVm create)
    {
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(create.RequestId)))[..12];
        var name = create.Spec.Name.Length > 40 ? create.Spec.Name[..40] : create.Spec.Name;
        return $"{name}-{hash}";
    }

    private sealed record ReleaseHeldAuctions
    {
        public static readonly ReleaseHeldAuctions Instance = new();
    }
}

/// <summary>Stops the shop singleton cleanly (never PoisonPill: in-flight persists must complete first).</summary>
public sealed record StopShop
{
    public static readonly StopShop Instance = new();
}
