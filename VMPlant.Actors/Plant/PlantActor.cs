using System.Collections.Immutable;
using Akka.Actor;
using Akka.Event;
using Akka.Persistence;
using VMPlant.Actors.Diagnostics;
using VMPlant.Actors.Domain;
using VMPlant.Messages;

namespace VMPlant.Actors.Plant;

/// <summary>
/// One per hypervisor host. Its <see cref="PlantLedger"/> decides (bids, reservations, images, evictions); the actor
/// journals the ledger's events, replies, and does the I/O off its thread: start-up, builds, image copies, removals.
/// </summary>
/// <remarks>
/// An award's answer and its build's outcome go to whoever sent the award (the shop), so the outcome can never
/// overtake the answer; a build restarted after a crash reports to the shop.
/// Group commit, as in the shop: events are journaled with PersistAllAsync, so while one write is in flight the plant
/// keeps deciding and the next commands' events travel together in the next write. Decisions read the decided state
/// (the journal plus events in flight), so capacity reserved by an award still being written is never offered again;
/// every reply that rests on an event leaves only once that event is journaled (<see cref="Decide"/>), and answers
/// that rest on none wait for the writes in flight (<see cref="AfterJournal"/>). Bids are the exception: an offer is
/// no promise (an award is checked again), so a bid never waits for the journal. With orphans = remove an award's build
/// also starts at once, overlapping its reservation's write (the award's answer still waits for it): a crash before the
/// write leaves a domain the journal does not know, which the next start removes.
/// </remarks>
public sealed class PlantActor : SnapshottingActor, IWithTimers
{
    private static readonly TimeSpan RegisterInterval = TimeSpan.FromSeconds(2);
    // After the shop this plant works for has ended (its node crashed and was removed, or it stopped), registrations go
    // this often for a while: the next shop then knows the plant within a fraction of a second of starting.
    private static readonly TimeSpan FailoverRegisterInterval = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan FailoverRegisterPeriod = TimeSpan.FromSeconds(10);

    private readonly PlantSettings _settings;
    private readonly IActorRef _shop;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly CancellationTokenSource _stopping = new();
    // What the plant has decided: the journal plus the events still being written. Every decision reads it.
    private PlantLedger _ledger;
    // What the journal holds; snapshots are taken from it.
    private PlantState _journaled;
    private IPlantHypervisor? _hypervisor;
    // Who sent each build's award: the build's outcome takes the same route as the award's answer.
    private readonly Dictionary<string, IActorRef> _awardedBy = [];
    // VMs whose removal is under way, with everyone waiting for it (a repeated destroy joins the first).
    private readonly Dictionary<string, List<IActorRef>> _removing = [];
    // The shop singleton that last gave this plant an order, watched so that its end is noticed.
    private IActorRef? _watchedShop;

    public PlantActor(PlantSettings settings, IActorRef shop)
    {
        _settings = settings;
        _shop = shop;
        _ledger = PlantLedger.Initial(settings.Rules);
        _journaled = _ledger.State;
        RecoverWith<PlantSnapshot>(snapshot => _ledger = _ledger.Restore(snapshot), e => _ledger = _ledger.Apply(e), OnRecoveryCompleted);
        Connecting();
    }

    protected override int SnapshotEvery => _settings.SnapshotEvery;

    public override string PersistenceId => _settings.PersistenceId;

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(PlantSettings settings, IActorRef shop) => Akka.Actor.Props.Create(() => new PlantActor(settings, shop));

    protected override void PostStop()
    {
        _stopping.Cancel();
        _hypervisor?.Dispose();
        base.PostStop();
    }

    private void OnRecoveryCompleted()
    {
        _journaled = _ledger.State;
        var (settings, ledger, stopping) = (_settings, _ledger, _stopping.Token);
        Task.Run(() => PlantStartup.RunAsync(settings, ledger, stopping))
            .PipeTo(Self, failure: e => new PlantStartup.Failed($"hypervisor {settings.Uri} unavailable: {e.Message}"));
        Self.Tell(RegisterTick.Instance);
        Timers.StartPeriodicTimer(nameof(RegisterTick), RegisterTick.Instance, RegisterInterval);
    }

    /// <summary>Until the hypervisor is reached and reconciled (off the actor thread), every command waits.</summary>
    private void Connecting()
    {
        Command<PlantStartup.Done>(OnConnected);
        Command<PlantStartup.Failed>(failed =>
        {
            _ledger = _ledger.Unreachable(failed.Reason);
            _log.Error("Plant {Plant}: {Error}", _settings.Name, failed.Reason);
            BecomeReady();
        });
        CommandAny(_ => Stash.Stash());
    }

    private void OnConnected(PlantStartup.Done done)
    {
        _hypervisor = done.Hypervisor;
        foreach (var note in done.Notes) _log.Warning("Plant {Plant}: {Note}", _settings.Name, note);
        var decision = _ledger.Connected(done.HostSize, done.Seeded, done.Diff, done.Hypervisor.Uri, _settings.Pool);
        _ledger = decision.Events.Aggregate(decision.Ledger with { Capability = done.Hypervisor.Refusal }, (ledger, e) => ledger.Apply(e));
        if (!decision.Events.IsEmpty) PersistAll(decision.Events, e => _journaled = _journaled.Apply(e));
        DeferAsync(done, _ =>
        {
            foreach (var vmId in done.Diff.InterruptedBuilds)
            {
                _log.Info("Plant {Plant}: restarting interrupted build of {VmId}", _settings.Name, vmId);
                (_ledger, var plan) = _ledger.Restart(vmId, DateTimeOffset.UtcNow);
                StartBuild(plan);
            }
            // A build can finish while its plant is cut off (a hung host that was downed): its VmReady then dies with
            // the old shop proxy while the shop re-bids the request elsewhere. So after every start the plant reports
            // its running VMs again; the shop ignores what it knows and removes such duplicates.
            foreach (var ready in _ledger.RunningVms()) _shop.Tell(ready);
            _log.Info("Plant {Plant} connected to {Uri}: host {Host}, {Images} cached images, {Vms} VMs",
                _settings.Name, done.Hypervisor.Uri, done.HostSize, _ledger.State.Images.Count, _ledger.State.Vms.Values.Count(v => v.HoldsCapacity));
            BecomeReady();
        });
    }

    private void BecomeReady()
    {
        Become(Ready);
        Stash.UnstashAll();
    }

    private void Ready()
    {
        Command<RequestBid>(OnBid);
        Command<Award>(award => { if (FromShop(award)) OnAward(award); });
        Command<BuildOutcome>(OnBuildOutcome);
        Command<ImageCopied>(copied => Decide(_ledger.Copied(copied), Self));
        Command<ConfigurePlantVm>(configure => { if (FromShop(configure)) OnConfigure(configure); });
        Command<Reconfigured>(done => Decide(_ledger.Reconfigured(done.Outcome, done.Spec), done.ReplyTo));
        Command<DestroyVm>(destroy => { if (FromShop(destroy)) OnDestroy(destroy); });
        Command<VmRemovalDone>(done =>
        {
            _removing.Remove(done.VmId, out var waiting);
            Decide(_ledger.Removed(done.VmId, done.Error, DateTimeOffset.UtcNow), reply => waiting?.ForEach(r => r.Tell(reply)));
        });
        Command<ImageVolumeDeleted>(deleted =>
        {
            // Until its volume is gone the evicted image's disk stays counted (a failed delete: until the next start).
            if (deleted.Error is null)
                _ledger = _ledger.VolumeDeleted(deleted.Volume);
            else
                _log.Warning("Plant {Plant}: could not delete evicted image volume {Volume} ({Error}); it is removed as an orphan at the next start",
                    _settings.Name, deleted.Volume, deleted.Error);
        });
        Command<GetPlantStatus>(get =>
        {
            var budget = Math.Min(get.MaxBytes ?? long.MaxValue, ReplyBudget.Of(Context.System));
            AfterJournal(Sender, () => PlantPages.Images(_ledger.Status(_hypervisor?.Uri ?? _settings.Uri), get.ImagesAfter, budget));
        });
        Command<ListPlantVms>(_ => AfterJournal(Sender, () => _ledger.Vms()));
        Command<RegisterTick>(_ => _shop.Tell(new RegisterPlant(_settings.Name, Self)));
        Command<Terminated>(ended =>
        {
            if (ended.ActorRef.Equals(_watchedShop)) OnShopEnded();
        });
        Command<RegisterSteadily>(_ => Timers.StartPeriodicTimer(nameof(RegisterTick), RegisterTick.Instance, RegisterInterval));
        HandleSnapshotHousekeeping(_log, $"Plant {_settings.Name}");
    }

    /// <summary>Awards, destroys and configures are obeyed only from the shop singleton (<see cref="PlantSettings.ShopPath"/>).</summary>
    private bool FromShop(object command)
    {
        if (_settings.ShopPath is not { } shop) return true;
        if (Sender.Path.ToStringWithoutAddress() == shop)
        {
            WatchShop(Sender);
            return true;
        }
        _log.Warning("Plant {Plant}: ignored {Command} from {Sender}: a plant takes awards, destroys and configures only from the shop",
            _settings.Name, command.GetType().Name, Sender.Path);
        return false;
    }

    private void WatchShop(IActorRef shop)
    {
        if (shop.Equals(_watchedShop)) return;
        if (_watchedShop is not null) Context.Unwatch(_watchedShop);
        _watchedShop = Context.Watch(shop);
    }

    /// <summary>The shop is gone (a crash: once its node is removed): register at once and often until the next one surely knows us.</summary>
    private void OnShopEnded()
    {
        _watchedShop = null;
        Self.Tell(RegisterTick.Instance);
        Timers.StartPeriodicTimer(nameof(RegisterTick), RegisterTick.Instance, FailoverRegisterInterval);
        Timers.StartSingleTimer(nameof(RegisterSteadily), RegisterSteadily.Instance, FailoverRegisterPeriod);
    }

    /// <summary>An offer from the decided state, at once: no promise rests on it (an award is checked again), so it waits for no write.</summary>
    private void OnBid(RequestBid request)
    {
        var decision = _ledger.Bid(request, DateTimeOffset.UtcNow);
        _ledger = decision.Ledger;
        foreach (var reply in decision.Replies)
        {
            Sender.Tell(reply);
            VmPlantMetrics.PlantReplied(_settings.Name, reply);
        }
    }

    private void OnAward(Award award)
    {
        RequestTrace.Mark(award.RequestId, TracePoint.PlantAwarded);
        var decision = _ledger.Award(award, DateTimeOffset.UtcNow);
        // A new build, or a resent award while building: the outcome follows the latest award's route.
        if (decision.Build is not null || _ledger.State.VmIdByRequest.TryGetValue(award.RequestId, out var vmId) && _ledger.State.Vms[vmId].State == VmState.Building)
            _awardedBy[award.RequestId] = Sender;
        Decide(decision, Sender, () => RequestTrace.Mark(award.RequestId, TracePoint.PlantReserved));
    }

    private void OnBuildOutcome(BuildOutcome outcome)
    {
        var replyTo = _awardedBy.Remove(outcome.Plan.RequestId, out var awardedBy) ? awardedBy : _shop;
        Decide(_ledger.Built(outcome, DateTimeOffset.UtcNow), replyTo, () =>
        {
            if (outcome is not BuildOutcome.Succeeded ok) return;
            RequestTrace.Mark(ok.Plan.RequestId, TracePoint.PlantBuilt);
            _log.Info("Plant {Plant}: {VmId} running after {ElapsedMs:F1} ms", _settings.Name, ok.Vm.VmId, ok.Report.ElapsedMs);
        });
    }

    private void OnConfigure(ConfigurePlantVm request)
    {
        var replyTo = Sender;
        switch (_ledger.Configure(request))
        {
            case ConfigureDecision.Refuse refuse:
                AfterJournal(replyTo, () => refuse.Reply);
                break;
            case ConfigureDecision.Extend extend:
                var builder = _hypervisor!.Builder(_settings.Name, _settings.ActionTimeScale);
                var stopping = _stopping.Token;
                Task.Run(() => builder.ExtendAsync(extend.Plan, extend.AlreadyPerformed, stopping))
                    .PipeTo(Self, success: outcome => new Reconfigured(outcome, extend.Spec, replyTo));
                break;
        }
    }

    private void OnDestroy(DestroyVm request)
    {
        var decision = _ledger.Destroy(request);
        if (decision is DestroyDecision.Refuse refuse)
        {
            AfterJournal(Sender, () => refuse.Reply);
            return;
        }
        var vm = ((DestroyDecision.Remove)decision).Vm;
        if (_removing.TryGetValue(vm.VmId, out var waiting))
        {
            waiting.Add(Sender);
            return;
        }
        _removing[vm.VmId] = [Sender];
        // Removed off the actor thread; the VM holds its capacity until its removal is saved and journaled.
        var hypervisor = _hypervisor;
        Task.Run(async () =>
            {
                if (hypervisor is null) return;
                hypervisor.RemoveVm(vm.DomainName, vm.Volume);
                await hypervisor.CheckpointAsync();
            })
            .PipeTo(Self, success: () => new VmRemovalDone(vm.VmId, null), failure: e => new VmRemovalDone(vm.VmId, e.Message));
    }

    /// <summary>
    /// Keeps the decision's ledger with its events applied (decided at once), journals the events in the next group
    /// write, and replies and starts the decision's work once they are journaled (or, with no events, once the writes in
    /// flight are: what it says may rest on them); a build marked to overlap its reservation's write starts at once.
    /// </summary>
    private void Decide(PlantDecision decision, IActorRef replyTo, Action? whenJournaled = null) =>
        Decide(decision, reply => replyTo.Tell(reply), whenJournaled);

    private void Decide(PlantDecision decision, Action<IVmPlantMessage> reply, Action? whenJournaled = null)
    {
        _ledger = decision.Events.Aggregate(decision.Ledger, (ledger, e) => ledger.Apply(e));
        if (decision.Note is { } note) _log.Info("Plant {Plant}: {Note}", _settings.Name, note);
        // A build that may overlap its reservation's journal write starts now; its outcome is journaled after it.
        var buildNow = decision.BuildBeforeJournaled && !decision.Events.IsEmpty;
        if (buildNow && decision.Build is { } early) StartBuild(early);
        void Act()
        {
            foreach (var message in decision.Replies)
            {
                reply(message);
                VmPlantMetrics.PlantReplied(_settings.Name, message);
            }
            if (decision.Build is { } plan && !buildNow) StartBuild(plan);
            if (decision.Copy is { } copy) StartCopy(copy);
            whenJournaled?.Invoke();
        }
        if (decision.Events.IsEmpty)
        {
            DeferAsync(Act, act => act());
            return;
        }
        var remaining = decision.Events.Length;
        var persisting = System.Diagnostics.Stopwatch.GetTimestamp();
        PersistAllAsync(decision.Events, e =>
        {
            _journaled = _journaled.Apply(e);
            VmPlantMetrics.PlantJournaled(_settings.Name, e);
            if (e is ImageEvicted evicted && decision.EvictedVolumes.TryGetValue(evicted.ImageId, out var volume)) DeleteVolume(volume);
            if (--remaining > 0) return;
            VmPlantMetrics.JournalWritten("plant", persisting);
            Act();
            SnapshotIfDue(() => PlantSnapshot.Of(_journaled), _journaled.SnapshotWeight);
        });
    }

    /// <summary>Answers once every event decided so far is journaled (at once when none is being written); the answer is read then.</summary>
    private void AfterJournal(IActorRef replyTo, Func<object> answer) => DeferAsync(answer, a => replyTo.Tell(a()));

    /// <summary>The plant decided on an event the journal refused to store: start over from what it holds.</summary>
    protected override void OnPersistRejected(Exception cause, object @event, long sequenceNr)
    {
        base.OnPersistRejected(cause, @event, sequenceNr);
        throw new InvalidOperationException($"the journal rejected plant {_settings.Name}'s event {sequenceNr} ({@event.GetType().Name}); restarting from the journal", cause);
    }

    /// <summary>Builds off the actor thread, so bids never wait behind libvirt; a planned core is reported with <see cref="ImageCopied"/>.</summary>
    private void StartBuild(BuildPlan plan)
    {
        VmPlantMetrics.BuildStarted(_settings.Name, plan.Match);
        var (self, stopping) = (Self, _stopping.Token);
        var builder = _hypervisor!.Builder(_settings.Name, _settings.ActionTimeScale);
        Task.Run(() => builder.BuildAsync(plan, copied => self.Tell(copied), stopping)).PipeTo(self);
    }

    /// <summary>Saves a finished VM's disk as a golden image, off the actor thread.</summary>
    private void StartCopy(ImageCopy copy)
    {
        var hypervisor = _hypervisor!;
        Task.Run(async () => new ImageCopied(copy.ImageId, await hypervisor.SaveImageAsync(copy.VmId, copy.ImageId, copy.Actions, copy.BuildCost), null, copy.DiskGiB))
            .PipeTo(Self, failure: e => new ImageCopied(copy.ImageId, null, $"publishing image {copy.ImageId} from {copy.VmId} failed: {e.Message}", copy.DiskGiB));
    }

    /// <summary>
    /// Deletes an evicted image's volume once its eviction is journaled, with no checkpoint of its own (the plant's next one
    /// carries it). A crash before that, or a failed delete, leaves a volume the journal does not know: an orphan at restart.
    /// </summary>
    private void DeleteVolume(string volume)
    {
        if (_hypervisor is not { } hypervisor) return;
        Task.Run(() => hypervisor.DeleteVolume(volume))
            .PipeTo(Self, success: () => new ImageVolumeDeleted(volume, null), failure: error => new ImageVolumeDeleted(volume, error.Message));
    }

    private sealed record RegisterTick
    {
        public static readonly RegisterTick Instance = new();
    }

    private sealed record RegisterSteadily
    {
        public static readonly RegisterSteadily Instance = new();
    }

    private sealed record ImageVolumeDeleted(string Volume, string? Error);

    private sealed record VmRemovalDone(string VmId, string? Error);

    private sealed record Reconfigured(BuildOutcome Outcome, VmSpec Spec, IActorRef ReplyTo);
}
