using System.Collections.Immutable;
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
/// journaled or is journaling (the ledger's decided side), but nothing it says leaves before what it is based on is
/// journaled: answers go out in event handlers or through <see cref="AfterJournal"/>. The request bookkeeping is the
/// pure <see cref="ShopLedger{TRequester}"/>; this actor does the messaging, auctions and group commit.
/// </remarks>
public sealed class ShopActor : SnapshottingActor, IWithTimers
{
    private readonly ShopSettings _settings;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly AuctionHouse _auctions;
    // What the shop has decided (the journal plus events still being written) and what the journal holds, with the
    // requesters waiting and the awards on offer. Every decision reads it; answers and snapshots come from its journaled side.
    private ShopLedger<IActorRef> _ledger = ShopLedger<IActorRef>.Empty;
    private readonly long _replyBytes = ReplyBudget.Of(Context.System);

    public ShopActor(ShopSettings settings)
    {
        _settings = settings;
        _ledger = _ledger with { Limits = settings.Limits, Decided = ShopState.Empty with { Retention = settings.Retention } };
        _auctions = new AuctionHouse(Context, () => Timers, settings, _log, requestId => _ledger.Journaled.Requests.ContainsKey(requestId));
        if (settings.JournalPluginId.Length > 0) JournalPluginId = settings.JournalPluginId;
        if (settings.SnapshotPluginId.Length > 0) SnapshotPluginId = settings.SnapshotPluginId;

        RecoverWith<ShopSnapshot>(
            snapshot => _ledger = _ledger with { Decided = snapshot.Restore(settings.Retention) },
            e => _ledger = _ledger with { Decided = _ledger.Decided.Apply(e) },
            OnRecoveryCompleted);

        Command<RegisterPlant>(register =>
        {
            _auctions.Register(register, ResumeUnfinishedRequests);
            VmPlantMetrics.PlantsRegistered.Record(_auctions.Plants.Count);
        });
        Command<Terminated>(OnPlantTerminated);
        Command<CreateVm>(OnCreateVm);
        Command<EstimateVm>(OnEstimate);
        Command<AwardOffer>(offer => _ledger = _ledger.Offered(offer));
        Command<AwardAccepted>(accepted => Execute(_ledger.Accepted(accepted), accepted.RequestId, accepted));
        Command<AwardRefused>(refused => Execute(_ledger.Refused(refused), refused.RequestId, refused));
        Command<AuctionFailed>(failed =>
        {
            _auctions.Ended(failed.RequestId);
            Execute(_ledger.AuctionFailed(failed.RequestId, failed.Reason, failed.Bids, failed.Declines), failed.RequestId, failed);
        });
        Command<VmReady>(ready => Execute(_ledger.Ready(ready, _auctions.Plants.ContainsKey), ready.RequestId, ready, () =>
        {
            RequestTrace.Mark(ready.RequestId, TracePoint.ShopCompleted);
            _log.Info("{VmId} for {RequestId} is running on {Plant} (image {ImageId}, {Performed} actions performed)",
                ready.Vm.VmId, ready.RequestId, ready.Vm.Plant, ready.Vm.ImageId, ready.Report.PerformedActionIds.Length);
        }));
        Command<VmFailed>(failed => Execute(_ledger.Failed(failed, _auctions.Plants.ContainsKey), failed.RequestId, failed));
        Command<ConfigureVm>(configure => Execute(_ledger.Configure(configure, Sender, _auctions.Plants.ContainsKey), configure.RequestId, configure));
        Command<RequestRejected>(rejected => Execute(_ledger.Rejected(rejected, _auctions.Plants.ContainsKey), rejected.RequestId, rejected));
        // Query answers are paged to fit in one remoting frame (see VmPages, PlantPages, EstimatePages).
        // A VM id may be missing from a hand-made message: that is "no such VM", not a crash of the shop.
        Command<ShowVm>(show => SendAfterJournal(Sender, show.VmId is { } vmId && _ledger.Decided.Vms.TryGetValue(vmId, out var vm)
            ? VmPages.Show(vm, show, _replyBytes)
            : new VmNotFound(show.VmId ?? "")));
        Command<ListVms>(list => SendAfterJournal(Sender, VmPages.List(_ledger.Decided.Vms.Values, list, _replyBytes)));
        Command<DestroyVm>(destroy => Execute(_ledger.Destroy(destroy, Sender, _auctions.Plants.ContainsKey), destroy.VmId, destroy));
        Command<VmDestroyed>(destroyed => Execute(_ledger.Removed(destroyed, DateTimeOffset.UtcNow), destroyed.VmId, destroyed));
        Command<VmNotFound>(notFound => Execute(_ledger.Vanished(notFound, DateTimeOffset.UtcNow), notFound.VmId, notFound));
        Command<ListPlants>(list => Context.ActorOf(PlantStatusGatherer.Props(
            new Dictionary<string, IActorRef>(_auctions.Plants), Sender, _settings.StatusTimeout, list, _replyBytes)));
        Command<ReleaseHeldAuctions>(_ => _auctions.ReleaseHeld(ResumeUnfinishedRequests));
        Command<StopShop>(_ =>
        {
            // Nothing decided may be lost: stop once it is all journaled, taking no new commands meanwhile.
            Become(() => { });
            AfterJournal(() => Context.Stop(Self));
        });
        HandleSnapshotHousekeeping(_log, "Shop");
    }

    protected override int SnapshotEvery => _settings.SnapshotEvery;

    /// <summary>Every command is decided at the time it arrived (the ledger stamps it on the events that finish requests).</summary>
    protected override bool AroundReceive(Receive receive, object message)
    {
        _ledger = _ledger with { Now = DateTimeOffset.UtcNow };
        return base.AroundReceive(receive, message);
    }

    public override string PersistenceId => ShopSettings.PersistenceId;

    /// <summary>Log marker of the singleton's lifetime (drills check that two shops never run at once).</summary>
    public const string StartedMarker = "Shop singleton started at";

    /// <summary>Log marker of the singleton's end; nothing is journaled after it.</summary>
    public const string StoppedMarker = "Shop singleton stopped at";

    protected override void PreStart()
    {
        _log.Info(StartedMarker + " {At}", DateTime.UtcNow.ToString("O"));
        VmPlantMetrics.SingletonChanged(started: true);
        base.PreStart();
    }

    protected override void PostStop()
    {
        base.PostStop();
        _log.Info(StoppedMarker + " {At}", DateTime.UtcNow.ToString("O"));
        VmPlantMetrics.SingletonChanged(started: false);
        VmPlantMetrics.PlantsRegistered.Record(0);
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(ShopSettings settings) => Akka.Actor.Props.Create(() => new ShopActor(settings));

    private void OnRecoveryCompleted()
    {
        _ledger = _ledger.Recovered();
        var state = _ledger.Decided;
        var unfinished = state.Unfinished.Count();
        _log.Info("Shop recovered {Requests} requests, {Vms} VMs, {Unfinished} unfinished", state.Requests.Count, state.Vms.Count, unfinished);
        _auctions.Expect(state.Vms.Values.Where(v => v.State == VmState.Running).Select(v => v.Plant)
            .Concat(state.Unfinished.Where(r => r.Plant is not null).Select(r => r.Plant!)), resumePending: unfinished > 0);
    }

    private void OnPlantTerminated(Terminated terminated)
    {
        foreach (var name in _auctions.Gone(terminated.ActorRef))
        {
            // Configures it was performing or that wait for it cannot finish: their requesters are told.
            Execute(_ledger.PlantGone(name), "", terminated);
            // Requests it was building are bid again (same VM id); if it comes back with the VM, the duplicate is removed.
            foreach (var request in _ledger.Decided.Unfinished.Where(r => r.Status == RequestStatus.Awarded && r.Plant == name && !_auctions.IsRunning(r.RequestId)).ToList())
            {
                _log.Warning("Re-bidding {RequestId}: plant {Plant}, which was building it, is gone", request.RequestId, name);
                _auctions.Start(request.RequestId, request.VmId, request.Spec!);
            }
        }
        VmPlantMetrics.PlantsRegistered.Record(_auctions.Plants.Count);
    }

    private void OnCreateVm(CreateVm create)
    {
        var decision = _ledger.Create(create, Sender, DateTimeOffset.UtcNow);
        if (decision.Event is RequestAccepted accepted)
        {
            RequestTrace.Mark(create.RequestId, TracePoint.ShopReceived);
            // Bids have no side effects, so plants bid while the request is being journaled; the auction awards only
            // once told the request is journaled (a crash before that loses nothing that was promised).
            Execute(decision, create.RequestId, create, () =>
            {
                RequestTrace.Mark(accepted.RequestId, TracePoint.ShopAccepted);
                if (_auctions.Auction(accepted.RequestId) is { } auction) auction.Tell(RequestJournaled.Instance);
            });
            return;
        }
        Execute(decision, create.RequestId, create);
    }

    private void OnEstimate(EstimateVm estimate)
    {
        if (ShopLedger<IActorRef>.Validate("estimate", estimate.Spec, _settings.Limits) is { } rejection)
        {
            Sender.Tell(rejection);
            return;
        }
        if (EstimatePages.Problem(estimate) is { } problem)
        {
            Sender.Tell(new RequestRejected("estimate", problem));
            return;
        }
        // The auction answers with every bid; only the page asked for travels back.
        var pager = Context.ActorOf(PagedReply.Props(
            all => all is EstimateResult result ? EstimatePages.Page(result, estimate, _replyBytes) : all,
            Sender, _settings.BidTimeout * 4 + TimeSpan.FromMinutes(1)));
        _auctions.Estimate(estimate.Spec, pager);
    }

    private void ResumeUnfinishedRequests()
    {
        foreach (var request in _ledger.Decided.Unfinished.Where(r => !_auctions.IsRunning(r.RequestId)).ToList())
        {
            if (request.Status == RequestStatus.Awarded && request.Plant is { } name && _auctions.Plants.TryGetValue(name, out var plant))
            {
                // Awards are idempotent on the plant: it repeats the outcome if the VM is already built.
                _log.Info("Resuming {RequestId}: asking {Plant} again for the VM it was awarded", request.RequestId, name);
                SendAfterJournal(plant, new Award(request.RequestId, request.VmId, request.Spec!));
            }
            else
            {
                _log.Info("Resuming {RequestId}: bidding again", request.RequestId);
                _auctions.Start(request.RequestId, request.VmId, request.Spec!);
            }
        }
    }

    /// <summary>Journals an event the ledger has decided on already, in the next group write.</summary>
    private void JournalEvent(IVmPlantEvent e, Action<IVmPlantEvent> whenJournaled)
    {
        var persisting = System.Diagnostics.Stopwatch.GetTimestamp();
        PersistAsync(e, journaled =>
        {
            VmPlantMetrics.JournalWritten("shop", persisting);
            VmPlantMetrics.ShopJournaled(journaled);
            _ledger = _ledger.Journal(journaled);
            whenJournaled(journaled);
            SnapshotIfDue();
        });
    }

    /// <summary>
    /// Carries out a ledger decision about <paramref name="requestId"/>: journal its event (answering the waiting once it
    /// is journaled, when asked), reply, and start, stop or inform the request's auction (<paramref name="command"/> is
    /// what the auction is told).
    /// </summary>
    private void Execute(ShopDecision<IActorRef> decision, string requestId, object command, Action? whenJournaled = null)
    {
        _ledger = decision.Ledger;
        if (decision.Note is { } note) _log.Info("{Note}", note);
        if (decision.Reply is { } reply) Sender.Tell(reply);
        if (decision.Reply is RequestRejected && command is CreateVm) VmPlantMetrics.Request("rejected");
        if (decision.ReplyAfterJournal is { } later) SendAfterJournal(Sender, Bounded(later));
        if (decision.TellWaiting is { } told) Reply(requestId, told);
        if (decision.Repeat) AfterJournal(() => Answer(requestId));
        if (decision.ToPlant is { } toPlant && _auctions.Plants.TryGetValue(toPlant.Plant, out var plant)) SendAfterJournal(plant, toPlant.Message);
        if (decision.Event is { } e)
            JournalEvent(e, _ =>
            {
                whenJournaled?.Invoke();
                if (decision.AnswerWhenJournaled) Answer(requestId);
                if (decision.TellDestroying is { } removal) TellDestroying(removal.VmId, removal.Message);
                foreach (var (waitedFor, answer) in decision.TellWaitingFor) Reply(waitedFor, answer);
            });
        else
        {
            if (decision.TellDestroying is { } removal) TellDestroying(removal.VmId, removal.Message);
            foreach (var (waitedFor, answer) in decision.TellWaitingFor) Reply(waitedFor, answer);
        }
        switch (decision.Auction)
        {
            case AuctionStep.Start when _ledger.Decided.Requests.TryGetValue(requestId, out var request) && request.Spec is not null:
                _auctions.Start(requestId, request.VmId, request.Spec);
                break;
            case AuctionStep.Stop or AuctionStep.Forward:
                if (_auctions.Auction(requestId) is { } auction) auction.Tell(command);
                if (decision.Auction == AuctionStep.Stop) _auctions.Ended(requestId);
                break;
        }
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

    private void Answer(string requestId)
    {
        if (_ledger.JournaledOutcome(requestId) is { } outcome) Reply(requestId, outcome);
    }

    private void Reply(string requestId, object answer)
    {
        (_ledger, var requesters) = _ledger.TakeWaiting(requestId);
        answer = Bounded(answer);
        foreach (var requester in requesters) requester.Tell(answer);
    }

    /// <summary>Every outcome leaves the shop within one remoting frame.</summary>
    private object Bounded(object answer) => answer is VmCreated created ? VmPages.Outcome(created, _replyBytes) : answer;

    private void TellDestroying(string vmId, object answer)
    {
        (_ledger, var requesters) = _ledger.TakeDestroying(vmId);
        foreach (var requester in requesters) requester.Tell(answer);
    }

    private void SnapshotIfDue() => SnapshotIfDue(() => ShopSnapshot.Of(_ledger.Journaled), _ledger.Journaled.SnapshotWeight);

}

/// <summary>Stops the shop singleton cleanly (never PoisonPill: in-flight persists must complete first).</summary>
public sealed record StopShop
{
    public static readonly StopShop Instance = new();
}
