using System.Collections.Immutable;
using Akka.Actor;
using Akka.Event;
using Akka.Persistence;
using VMPlant.Actors.Diagnostics;
using VMPlant.Actors.Domain;
using VMPlant.Actors.Serialization;
using VMPlant.Messages;

namespace VMPlant.Actors.Plant;

/// <summary>
/// One per hypervisor host. Bids for requests from its image cache, builds awarded VMs through libvirt and
/// publishes new golden images. Every promise (reservation, VM, image) is journaled before it is acted on.
/// </summary>
public sealed class PlantActor : SnapshottingActor, IWithTimers
{
    private static readonly TimeSpan RegisterInterval = TimeSpan.FromSeconds(2);

    private readonly PlantSettings _settings;
    private readonly IActorRef _shop;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly CancellationTokenSource _stopping = new();
    private PlantState _state;
    private PlantHypervisor? _hypervisor;
    private string _hypervisorError = "not connected yet";
    private Capacity _hostSize = new(0, 0, 0);
    // Image volumes being copied (image id → GiB), not yet journaled as images: capacity counts their disk, and
    // an action set is never copied twice at once (the second copy would collide on the volume name).
    private readonly Dictionary<string, long> _copyingImages = new(StringComparer.Ordinal);
    // VMs whose removal is under way, with everyone waiting for it (a repeated destroy joins the first).
    private readonly Dictionary<string, List<IActorRef>> _removing = [];

    public PlantActor(PlantSettings settings, IActorRef shop)
    {
        _settings = settings;
        _shop = shop;
        _state = PlantState.Initial(settings.CachePolicy, BaseImage(settings));

        RecoverWith<PlantSnapshot>(
            snapshot => _state = snapshot.Restore(settings.CachePolicy, BaseImage(settings)),
            e => _state = _state.Apply(e),
            OnRecoveryCompleted);

        Command<RequestBid>(OnRequestBid);
        Command<Award>(OnAward);
        Command<BuildOutcome>(OnBuildOutcome);
        Command<ConfigurePlantVm>(OnConfigure);
        Command<Reconfigured>(OnReconfigured);
        Command<ImageCopied>(OnImageCopied);
        Command<DestroyVm>(OnDestroy);
        Command<VmRemovalDone>(OnVmRemovalDone);
        Command<ImageVolumeDeleted>(OnImageVolumeDeleted);
        Command<GetPlantStatus>(_ => Sender.Tell(Status()));
        Command<ListPlantVms>(_ => Sender.Tell(new VmList(_state.Vms.Values.Where(v => v.Info is not null).Select(v => v.Info!).ToImmutableArray())));
        Command<RegisterTick>(_ => _shop.Tell(new RegisterPlant(_settings.Name, Self)));
        HandleSnapshotHousekeeping(_log, $"Plant {settings.Name}");
    }

    protected override int SnapshotEvery => _settings.SnapshotEvery;

    public override string PersistenceId => _settings.PersistenceId;

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(PlantSettings settings, IActorRef shop) => Akka.Actor.Props.Create(() => new PlantActor(settings, shop));

    private void OnRecoveryCompleted()
    {
        ConnectHypervisor();
        AnnounceRunningVms();
        Self.Tell(RegisterTick.Instance);
        Timers.StartPeriodicTimer(nameof(RegisterTick), RegisterTick.Instance, RegisterInterval);
    }

    /// <summary>
    /// A build can finish while its plant is cut off (a hung host that was downed): its VmReady then dies with the old
    /// shop proxy, and the shop has re-bid the request elsewhere. After a restart the plant tells the shop again about
    /// every running VM; the shop ignores what it already knows and removes such duplicates.
    /// </summary>
    private void AnnounceRunningVms()
    {
        foreach (var (requestId, vmId) in _state.VmIdByRequest)
            if (_state.Vms.GetValueOrDefault(vmId) is { State: VmState.Running, Info: { } info })
                _shop.Tell(new VmReady(requestId, info, ReportFor(info)));
    }

    protected override void PostStop()
    {
        _stopping.Cancel();
        _hypervisor?.Dispose();
        base.PostStop();
    }

    private void ConnectHypervisor()
    {
        try
        {
            _hypervisor = PlantHypervisor.Connect(_settings);
            _hostSize = _hypervisor.ReadHostSize();
            _hypervisor.EnsureBaseImage(_settings.BaseImageVolume, _settings.BaseImageGiB);
            ImportSeedImages();
            Reconcile();
            _hypervisor.Checkpoint();
            _log.Info("Plant {Plant} connected to {Uri}: host {Host}, {Images} cached images, {Vms} VMs",
                _settings.Name, _hypervisor.Uri, _hostSize, _state.Images.Count, _state.Vms.Values.Count(v => v.HoldsCapacity));
        }
        catch (Exception e)
        {
            _hypervisor?.Dispose();
            _hypervisor = null;
            _hypervisorError = $"hypervisor {_settings.Uri} unavailable: {e.Message}";
            _log.Error(e, "Plant {Plant}: {Error}", _settings.Name, _hypervisorError);
        }
    }

    /// <summary>
    /// Brings journal and hypervisor into agreement after a (re)start: interrupted builds start over, VMs and images
    /// whose libvirt objects vanished are marked lost, and leftovers VMPlant made but never journaled are handled by policy.
    /// </summary>
    private void Reconcile()
    {
        var diff = Reconciliation.Between(_state, _hypervisor!.ListManagedDomains(_settings.Name), _hypervisor.ListVolumeNames(), _settings.BaseImageVolume);
        if (diff.IsClean) return;
        _log.Warning("Plant {Plant} reconciling with its hypervisor (orphans = {Policy}): {Differences}", _settings.Name, _settings.Orphans, diff);

        foreach (var vmId in diff.LostVms)
            PersistAndApply(new VmLost(vmId, $"domain {vmId} no longer exists on {_hypervisor.Uri}"));
        foreach (var imageId in diff.LostImages)
            PersistAndApply(new ImageEvicted(imageId, $"volume vanished from pool {_settings.Pool}"));
        foreach (var domain in diff.OrphanDomains)
            HandleOrphan($"domain {domain}", () => _hypervisor.RemoveVm(domain, PlantVm.VolumeOf(domain)));
        foreach (var volume in diff.OrphanVolumes)
            HandleOrphan($"volume {volume}", () => _hypervisor.DeleteVolume(volume));
        foreach (var vmId in diff.InterruptedBuilds)
            RestartBuild(_state.Vms[vmId]);
    }

    private void HandleOrphan(string what, Action remove)
    {
        if (_settings.Orphans == OrphanPolicy.Keep)
        {
            _log.Warning("Plant {Plant}: {Orphan} is not in the journal; kept (orphans = keep)", _settings.Name, what);
            return;
        }
        try
        {
            remove();
            _log.Warning("Plant {Plant}: removed {Orphan}, which was not in the journal", _settings.Name, what);
        }
        catch (Exception e)
        {
            _log.Error(e, "Plant {Plant}: could not remove {Orphan}", _settings.Name, what);
        }
    }

    /// <summary>A build cut short by a crash starts over from a clean slate; its reservation still holds.</summary>
    private void RestartBuild(PlantVm vm)
    {
        _hypervisor!.RemoveVm(vm.DomainName, vm.Volume);
        var dag = ConfigDag.Build(vm.Spec);
        var match = _state.Cache.Index.FindBest(dag, _settings.CostModel, Capacity().UtilisationAfter(new ResourceSpec(0, 0, 0)))!;
        _log.Info("Plant {Plant}: restarting interrupted build of {VmId} for {RequestId}", _settings.Name, vm.VmId, vm.RequestId);
        StartBuild(new BuildPlan(vm.RequestId, vm.VmId, dag, match, DateTimeOffset.UtcNow));
    }

    /// <summary>
    /// Builds <paramref name="plan"/> off the actor thread. When the cache wants the build's core, its disk is set aside
    /// now and the builder copies the core part-way, reporting it with <see cref="ImageCopied"/> while the build goes on.
    /// </summary>
    private void StartBuild(BuildPlan plan)
    {
        var core = _state.Cache.CoreToCheckpoint(plan.Dag, plan.Match);
        if (core is not null && !_copyingImages.TryAdd(core.ImageId, plan.Dag.Resources.DiskGiB))
            core = null;
        if (core is not null)
            _log.Info("Plant {Plant}: {VmId} will save its core as image {ImageId} ({Actions} actions) before the rest",
                _settings.Name, plan.VmId, core.ImageId, core.Actions.Count);
        var self = Self;
        var builder = new VmBuilder(_hypervisor!, _settings.Name, _settings.ActionTimeScale);
        var stopping = _stopping.Token;
        // The whole build (libvirt calls included) runs on the thread pool, so bids never wait behind it.
        Task.Run(() => builder.BuildAsync(plan with { Core = core }, copied => self.Tell(copied), stopping)).PipeTo(self);
    }

    private HostCapacity Capacity()
    {
        var reserved = _state.Reserved();
        return new HostCapacity(
            new Capacity((int)Math.Floor(_hostSize.Vcpus * _settings.CpuOvercommit),
                Math.Max(0, _hostSize.MemoryMiB - _settings.ReservedMemoryMiB),
                _hostSize.DiskGiB - _settings.BaseImageGiB),
            reserved with { DiskGiB = reserved.DiskGiB + _copyingImages.Values.Sum() });
    }

    private void OnRequestBid(RequestBid request)
    {
        if (_state.VmIdByRequest.TryGetValue(request.RequestId, out var vmId) && _state.Vms[vmId].HoldsCapacity)
        {
            // Re-bidding after a shop restart: this plant already holds the request, so nothing is left to pay for.
            var vm = _state.Vms[vmId];
            Sender.Tell(new Bid(request.RequestId, new BidSummary(_settings.Name, 0, vm.ImageId, vm.Spec.Actions.Length, 0, Capacity().Free)));
            return;
        }
        if (Evaluate(request.RequestId, request.Spec, out var plan, out var reason) is { } offer)
        {
            Sender.Tell(new Bid(request.RequestId, offer));
            VmPlantMetrics.Bid(_settings.Name);
        }
        else
        {
            Sender.Tell(new Decline(request.RequestId, new DeclineSummary(_settings.Name, reason)));
            VmPlantMetrics.Decline(_settings.Name, reason);
        }
    }

    /// <summary>The plant's best offer for a spec, or null with the reason it cannot take it.</summary>
    private BidSummary? Evaluate(string requestId, VmSpec spec, out BuildPlan? plan, out string reason)
    {
        plan = null;
        if (_hypervisor is null)
        {
            reason = _hypervisorError;
            return null;
        }
        ConfigDag dag;
        try
        {
            dag = ConfigDag.Build(spec);
        }
        catch (SpecValidationException e)
        {
            reason = e.Message;
            return null;
        }
        var capacity = Capacity();
        if (!capacity.Fits(dag.Resources, out reason))
            return null;
        var match = _state.Cache.Index.FindBest(dag, _settings.CostModel, capacity.UtilisationAfter(dag.Resources));
        if (match is null)
        {
            reason = "no usable image (the base image is missing)";
            return null;
        }
        plan = new BuildPlan(requestId, "", dag, match, DateTimeOffset.UtcNow);
        return new BidSummary(_settings.Name, match.CostToFinish, match.Image.ImageId, match.Reused.Count, match.Missing.Count, capacity.Free);
    }

    private void OnAward(Award award)
    {
        if (_state.VmIdByRequest.TryGetValue(award.RequestId, out var knownVm))
        {
            // A resent award (shop retry or failover): never build twice; repeat what we know.
            Sender.Tell(new AwardAccepted(award.RequestId, _settings.Name));
            switch (_state.Vms[knownVm])
            {
                case { State: VmState.Running, Info: { } info }:
                    _shop.Tell(new VmReady(award.RequestId, info, ReportFor(info)));
                    break;
                case { State: VmState.Failed or VmState.Lost or VmState.Destroyed } gone:
                    _shop.Tell(new VmFailed(award.RequestId, gone.VmId, _settings.Name, $"VM {gone.VmId} is {gone.State.ToString().ToLowerInvariant()} on plant {_settings.Name}"));
                    break;
            }
            return;
        }
        RequestTrace.Mark(award.RequestId, TracePoint.PlantAwarded);
        if (Evaluate(award.RequestId, award.Spec, out var draft, out var reason) is null || draft is null)
        {
            Sender.Tell(new AwardRefused(award.RequestId, _settings.Name, reason));
            return;
        }
        var plan = draft with { VmId = award.VmId };
        var replyTo = Sender;
        var persisting = System.Diagnostics.Stopwatch.GetTimestamp();
        Persist(new VmReserved(award.RequestId, award.VmId, award.Spec, plan.Match.Image.ImageId, plan.AcceptedAt), e =>
        {
            _state = _state.Apply(e);
            VmPlantMetrics.JournalWritten("plant", persisting);
            RequestTrace.Mark(e.RequestId, TracePoint.PlantReserved);
            VmPlantMetrics.BuildStarted(_settings.Name, plan.Match);
            replyTo.Tell(new AwardAccepted(award.RequestId, _settings.Name));
            _log.Info("Plant {Plant} building {VmId} for {RequestId} from image {ImageId}: {Missing} actions to perform, {Reused} reused",
                _settings.Name, award.VmId, award.RequestId, plan.Match.Image.ImageId, plan.Match.Missing.Count, plan.Match.Reused.Count);
            StartBuild(plan);
        });
    }

    private void OnBuildOutcome(BuildOutcome outcome)
    {
        switch (outcome)
        {
            case BuildOutcome.Succeeded ok:
                var events = new List<IVmPlantEvent> { new VmBuilt(ok.Vm, ok.Report) };
                if (ok.Plan.Match.Image.ImageId != _settings.BaseImageVolume)
                    events.Add(new ImageHit(ok.Plan.Match.Image.ImageId, DateTimeOffset.UtcNow));
                PersistAll(events, e =>
                {
                    _state = _state.Apply(e);
                    if (e is not VmBuilt) return;
                    RequestTrace.Mark(ok.Plan.RequestId, TracePoint.PlantBuilt);
                    _shop.Tell(new VmReady(ok.Plan.RequestId, ok.Vm, ok.Report));
                    _log.Info("Plant {Plant}: {VmId} running after {ElapsedMs:F1} ms", _settings.Name, ok.Vm.VmId, ok.Report.ElapsedMs);
                    PublishIfWorthIt(ok.Plan, ok.Vm.VmId);
                    SnapshotIfDue();
                });
                break;
            case BuildOutcome.Failed failed:
                Persist(new VmBuildFailed(failed.Plan.RequestId, failed.Plan.VmId, failed.Reason), e =>
                {
                    _state = _state.Apply(e);
                    _log.Warning("Plant {Plant}: {Reason}", _settings.Name, failed.Reason);
                    _shop.Tell(new VmFailed(failed.Plan.RequestId, failed.Plan.VmId, _settings.Name, failed.Reason));
                });
                break;
        }
    }

    /// <summary>Saves a freshly built VM's disk as a golden image when the cache policy says its work is worth keeping.</summary>
    private void PublishIfWorthIt(BuildPlan plan, string vmId)
    {
        if (_hypervisor is null || !_state.Cache.ShouldPublish(plan.Dag, plan.Match)) return;
        var actions = plan.Dag.Actions.Select(VmBuilder.ToPerformed).ToImmutableArray();
        var imageId = ImageIds.For(plan.Dag.Identities);
        var hypervisor = _hypervisor;
        var diskGiB = plan.Dag.Resources.DiskGiB;
        if (!_copyingImages.TryAdd(imageId, diskGiB)) return; // the same action set is being copied already (another build's core)
        Task.Run(async () => new ImageCopied(imageId, await hypervisor.SaveImageAsync(vmId, imageId, actions, plan.Dag.TotalCost), null, diskGiB))
            .PipeTo(Self, failure: e => new ImageCopied(imageId, null, $"publishing image {imageId} from {vmId} failed: {e.Message}", diskGiB));
    }

    /// <summary>Journals a copied image (a finished VM's or a build's core), then evicts what the cache no longer has room for.</summary>
    private void OnImageCopied(ImageCopied copied)
    {
        _copyingImages.Remove(copied.ImageId);
        if (copied.Image is not { } image)
        {
            _log.Warning("Plant {Plant}: {Reason}", _settings.Name, copied.Error);
            return;
        }
        if (_state.Images.ContainsKey(image.ImageId))
            return; // Another build published the same action set first; the copy is the same volume name.
        Persist(new ImagePublished(image), e =>
        {
            _state = _state.Apply(e);
            VmPlantMetrics.ImagePublished(_settings.Name, image.Origin.ToString().ToLowerInvariant());
            _log.Info("Plant {Plant} published golden image {ImageId} ({Actions} actions, saves {Cost}s)",
                _settings.Name, image.ImageId, image.Actions.Length, image.BuildCost);
            EvictIfOverBudget();
        });
    }

    /// <summary>
    /// Journals the evictions first, so bids stop offering those images at once, then deletes their volumes off the
    /// actor thread, with no checkpoint of its own: the plant's next one carries the deletion. A crash before that, or
    /// a failed delete, leaves a volume the journal does not know, which reconciliation handles as an orphan.
    /// </summary>
    private void EvictIfOverBudget()
    {
        var pinned = _state.PinnedImages();
        var volumes = _state.Cache.ChooseEvictions().Where(i => !pinned.Contains(i.ImageId)).ToDictionary(i => i.ImageId, i => i.Volume);
        PersistAll(volumes.Keys.Select(imageId => new ImageEvicted(imageId, "cache over its size budget")), e =>
        {
            _state = _state.Apply(e);
            VmPlantMetrics.ImageEvicted(_settings.Name);
            if (_hypervisor is not { } hypervisor) return;
            var volume = volumes[e.ImageId];
            Task.Run(() => hypervisor.DeleteVolume(volume))
                .PipeTo(Self, success: () => new ImageVolumeDeleted(volume, null), failure: error => new ImageVolumeDeleted(volume, error.Message));
        });
    }

    private void OnImageVolumeDeleted(ImageVolumeDeleted deleted)
    {
        if (deleted.Error is { } error)
            _log.Warning("Plant {Plant}: could not delete evicted image volume {Volume} ({Error}); it is removed as an orphan at the next start",
                _settings.Name, deleted.Volume, error);
    }

    private void OnConfigure(ConfigurePlantVm request)
    {
        var replyTo = Sender;
        if (!_state.Vms.TryGetValue(request.VmId, out var vm) || vm.State != VmState.Running || vm.Info is null || _hypervisor is null)
        {
            replyTo.Tell(new VmFailed(request.RequestId, request.VmId, _settings.Name,
                _hypervisor is null ? _hypervisorError : $"VM {request.VmId} is not running on plant {_settings.Name}"));
            return;
        }
        ConfigDag extended;
        try
        {
            extended = ConfigDag.Build(vm.Spec).Extend(request.Actions);
        }
        catch (SpecValidationException e)
        {
            replyTo.Tell(new RequestRejected(request.RequestId, e.Message));
            return;
        }
        // The VM's own disk is the starting point: what it has done is reused, the rest is performed on it.
        var done = vm.Info.Actions.Select(a => a.Identity).ToHashSet();
        var reused = extended.Actions.Where(a => done.Contains(a.Identity.Value)).ToList();
        var missing = extended.InTopologicalOrder(extended.Actions.Where(a => !done.Contains(a.Identity.Value)));
        var current = new GoldenImage(vm.ImageId, vm.Volume, reused.Select(a => a.Identity).ToImmutableHashSet(), reused.Sum(a => a.Cost), 0, vm.Info.CreatedAt);
        var plan = new BuildPlan(request.RequestId, vm.VmId, extended, new ImageMatch(current, missing.Sum(a => a.Cost), reused, missing), vm.Info.CreatedAt);
        var spec = vm.Spec with { Actions = vm.Spec.Actions.AddRange(request.Actions) };
        new VmBuilder(_hypervisor, _settings.Name, _settings.ActionTimeScale)
            .ExtendAsync(plan, vm.Info.Actions, _stopping.Token)
            .PipeTo(Self, success: outcome => new Reconfigured(outcome, spec, replyTo));
    }

    private void OnReconfigured(Reconfigured done)
    {
        switch (done.Outcome)
        {
            case BuildOutcome.Succeeded ok:
                Persist(new VmReconfigured(ok.Plan.RequestId, ok.Vm, ok.Report, done.Spec), e =>
                {
                    _state = _state.Apply(e);
                    done.ReplyTo.Tell(new VmReady(ok.Plan.RequestId, ok.Vm, ok.Report));
                });
                break;
            case BuildOutcome.Failed failed:
                done.ReplyTo.Tell(new VmFailed(failed.Plan.RequestId, failed.Plan.VmId, _settings.Name, failed.Reason));
                break;
        }
    }

    private void OnDestroy(DestroyVm request)
    {
        if (!_state.Vms.TryGetValue(request.VmId, out var vm) || vm.State == VmState.Destroyed)
        {
            Sender.Tell(new VmNotFound(request.VmId));
            return;
        }
        if (vm.State == VmState.Building)
        {
            Sender.Tell(new RequestRejected(request.VmId, $"VM {request.VmId} is still being built on plant {_settings.Name}; destroy it once it is ready"));
            return;
        }
        // Removed off the actor thread; the VM holds its capacity until its removal is saved and journaled.
        if (_removing.TryGetValue(request.VmId, out var waiting))
        {
            waiting.Add(Sender);
            return;
        }
        _removing[request.VmId] = [Sender];
        var hypervisor = _hypervisor;
        Task.Run(async () =>
            {
                hypervisor?.RemoveVm(vm.DomainName, vm.Volume);
                if (hypervisor is not null) await hypervisor.CheckpointAsync();
            })
            .PipeTo(Self, success: () => new VmRemovalDone(vm.VmId, null), failure: e => new VmRemovalDone(vm.VmId, e.Message));
    }

    private void OnVmRemovalDone(VmRemovalDone done)
    {
        if (done.Error is { } error)
        {
            var rejected = new RequestRejected(done.VmId, $"destroying {done.VmId} on plant {_settings.Name} failed: {error}");
            foreach (var replyTo in _removing[done.VmId]) replyTo.Tell(rejected);
            _removing.Remove(done.VmId);
            return;
        }
        Persist(new VmRemoved(done.VmId, DateTimeOffset.UtcNow), e =>
        {
            _state = _state.Apply(e);
            foreach (var replyTo in _removing[e.VmId]) replyTo.Tell(new VmDestroyed(e.VmId, _settings.Name));
            _removing.Remove(e.VmId);
            SnapshotIfDue();
        });
    }

    private PlantStatus Status()
    {
        var capacity = Capacity();
        return new PlantStatus(
            _settings.Name,
            _hypervisor?.Uri ?? _settings.Uri,
            _hypervisor is not null,
            capacity.Total,
            capacity.Free,
            _state.Vms.Values.Count(v => v.HoldsCapacity),
            _state.Images.Values.OrderBy(i => i.ImageId, StringComparer.Ordinal)
                .Select(i => new GoldenImageInfo(i.ImageId, i.Volume, i.Actions, i.BuildCost, _state.Cache.TryGetUsage(i.ImageId, out var usage) ? usage.Hits : 0))
                .ToImmutableArray());
    }

    private CreateReport ReportFor(VmInfo info) => new(_settings.Name, info.ImageId,
        ImmutableArray<string>.Empty, info.Actions.Select(a => a.Id).ToImmutableArray(), 0, 0,
        ImmutableArray<BidSummary>.Empty, ImmutableArray<DeclineSummary>.Empty);

    private void ImportSeedImages()
    {
        foreach (var seed in _settings.SeedImages)
        {
            var dag = ConfigDag.Build(seed.Spec);
            var closure = dag.ClosureOf(seed.UpTo);
            var identities = closure.Select(a => a.Identity).ToImmutableHashSet();
            var imageId = ImageIds.For(identities);
            if (_state.Images.ContainsKey(imageId)) continue;
            var size = _hypervisor!.PublishImage(_settings.BaseImageVolume, imageId);
            var record = new ImageRecord(imageId, imageId, closure.Select(VmBuilder.ToPerformed).ToImmutableArray(),
                closure.Sum(a => a.Cost), size, DateTimeOffset.UtcNow, ImageOrigin.Seeded);
            // Seeds are imported once, at connect time; persisting synchronously keeps bids consistent with the journal.
            PersistAndApply(new ImagePublished(record));
        }
    }

    private void PersistAndApply(IVmPlantEvent e)
    {
        _state = _state.Apply(e);
        Persist(e, _ => { });
    }

    private void SnapshotIfDue() => SnapshotIfDue(() => PlantSnapshot.Of(_state));

    private static GoldenImage BaseImage(PlantSettings settings) =>
        new(settings.BaseImageVolume, settings.BaseImageVolume, ImmutableHashSet<ActionIdentity>.Empty, 0, settings.BaseImageGiB << 30, DateTimeOffset.UnixEpoch);

    private sealed record RegisterTick
    {
        public static readonly RegisterTick Instance = new();
    }

    private sealed record ImageVolumeDeleted(string Volume, string? Error);

    private sealed record VmRemovalDone(string VmId, string? Error);

    private sealed record Reconfigured(BuildOutcome Outcome, VmSpec Spec, IActorRef ReplyTo);
}
