using System.Collections.Immutable;
using VMPlant.Actors.Serialization;
using VMPlant.Messages;

namespace VMPlant.Actors.Domain;

/// <summary>
/// A plant's decisions as a pure, immutable value: bids from its cache and capacity, reservations, builds' outcomes,
/// images to copy and evict, reconfiguration plans, seed images and start-up reconciliation. Each command returns a
/// <see cref="PlantDecision"/> (events to journal, replies, work to start); the plant actor persists the events, applies
/// them with <see cref="Apply"/>, and does the I/O. The cache simulator drives the same ledger.
/// </summary>
/// <param name="State">What the journal holds.</param>
public sealed record PlantLedger(PlantRules Rules, PlantState State)
{
    /// <summary>Bids are remembered for their award for a while; beyond this many the oldest are dropped (the award then plans again).</summary>
    public const int OffersKept = 512;

    /// <summary>The host's raw size, known once connected.</summary>
    public Resources HostSize { get; init; } = new(0, 0, 0);

    /// <summary>Why the plant cannot build right now (no hypervisor); null when connected.</summary>
    public string? Unavailable { get; init; } = "not connected yet";

    /// <summary>
    /// Why this plant's hypervisor could not finish a build from a match (e.g. a real plant asked for an action kind it
    /// cannot perform, or an OS it has no base image for), or null when it can; checked at bid time.
    /// </summary>
    public Func<ImageMatch, string?>? Capability { get; init; }

    /// <summary>Image volumes being copied (image id → GiB), not yet journaled: their disk is counted, and no action set is copied twice at once.</summary>
    public ImmutableDictionary<string, long> Copying { get; init; } = ImmutableDictionary.Create<string, long>(StringComparer.Ordinal);

    /// <summary>
    /// Volumes of evicted images not deleted yet (volume → GiB): the eviction is decided (and then journaled) before its
    /// volume is gone from the host, and until then the disk is still taken. A failed delete keeps counting (the volume
    /// stays until the next start removes it as an orphan).
    /// </summary>
    public ImmutableDictionary<string, long> Deleting { get; init; } = ImmutableDictionary.Create<string, long>(StringComparer.Ordinal);

    /// <summary>The plan behind each recent bid, by request id, so an award builds exactly what was offered.</summary>
    public ImmutableDictionary<string, (BuildPlan Plan, long Seq)> Offers { get; init; } = ImmutableDictionary.Create<string, (BuildPlan, long)>(StringComparer.Ordinal);

    private long OfferSeq { get; init; }

    public static PlantLedger Initial(PlantRules rules) => new(rules, PlantState.Initial(rules.CachePolicy, rules.BaseImage));

    public PlantLedger Restore(PlantSnapshot snapshot) => this with { State = snapshot.Restore(Rules.CachePolicy, Rules.BaseImage) };

    public PlantSnapshot Snapshot() => PlantSnapshot.Of(State);

    /// <summary>Applies a journaled event.</summary>
    public PlantLedger Apply(IVmPlantEvent e) => this with { State = State.Apply(e) };

    /// <summary>What the host offers and what is promised: VMs, images and image copies under way.</summary>
    public HostCapacity Capacity
    {
        get
        {
            var reserved = State.Reserved();
            return new HostCapacity(Rules.Offered(HostSize), reserved with { DiskGiB = reserved.DiskGiB + Copying.Values.Sum() + Deleting.Values.Sum() });
        }
    }

    // ---- start-up ----

    /// <summary>Seed images not in the journal yet, each once.</summary>
    public ImmutableArray<SeedPlan> SeedsToImport(IEnumerable<SeedImage> seeds)
    {
        var plans = ImmutableArray.CreateBuilder<SeedPlan>();
        foreach (var seed in seeds)
        {
            var closure = ConfigDag.Build(seed.Spec).ClosureOf(seed.UpTo);
            var imageId = ImageIds.For(closure.Select(a => a.Identity));
            if (State.Images.ContainsKey(imageId) || plans.Any(p => p.ImageId == imageId)) continue;
            plans.Add(new SeedPlan(imageId, [.. closure.Select(Performed)], closure.Sum(a => a.Cost), seed));
        }
        return plans.ToImmutable();
    }

    /// <summary>Journal against hypervisor after a restart, counting <paramref name="seeded"/> images as journaled.</summary>
    public Reconciliation Reconcile(IEnumerable<ImageRecord> seeded, IReadOnlyCollection<string> domains, IReadOnlyCollection<string> volumes) =>
        Reconciliation.Between(seeded.Aggregate(this, (l, r) => l.Apply(new ImagePublished(r))).State, domains, volumes, Rules.BaseImageVolume);

    /// <summary>
    /// The plant reached its hypervisor: seeded images are journaled, VMs and images whose libvirt objects vanished are
    /// marked lost. Interrupted builds restart with <see cref="Restart"/> once these events are applied.
    /// </summary>
    public PlantDecision Connected(Resources hostSize, IEnumerable<ImageRecord> seeded, Reconciliation diff, string uri, string pool) =>
        new(this with { HostSize = hostSize, Unavailable = null })
        {
            Events =
            [
                .. seeded.Select(r => new ImagePublished(r)),
                .. diff.LostVms.Select(id => new VmLost(id, $"domain {id} no longer exists on {uri}")),
                .. diff.LostImages.Select(id => new ImageEvicted(id, $"volume vanished from pool {pool}")),
            ],
        };

    public PlantLedger Unreachable(string reason) => this with { Unavailable = reason };

    /// <summary>A build cut short by a crash starts over from a clean slate (its reservation still holds).</summary>
    public (PlantLedger Ledger, BuildPlan Plan) Restart(string vmId, DateTimeOffset now)
    {
        var vm = State.Vms[vmId];
        var dag = ConfigDag.Build(vm.Spec);
        var match = State.Cache.Index.FindBest(dag, Rules.CostModel, Capacity.UtilisationAfter(new Resources(0, 0, 0)))!;
        return WithCore(new BuildPlan(vm.RequestId, vm.VmId, dag, match, now));
    }

    // ---- bids and awards ----

    public PlantDecision Bid(RequestBid request, DateTimeOffset now)
    {
        if (Held(request.RequestId) is { } vm)
            // Re-bidding after a shop restart: this plant already holds the request, so nothing is left to pay for.
            return Reply(new Bid(request.RequestId, new BidSummary(Rules.Plant, 0, vm.ImageId, vm.Spec.Actions.Length, 0, Capacity.Free)));
        var (plan, reason) = Evaluate(request.RequestId, request.Spec, null, now);
        if (plan is null)
            return Reply(new Decline(request.RequestId, new DeclineSummary(Rules.Plant, reason)));
        var offer = new BidSummary(Rules.Plant, plan.Match.CostToFinish, plan.Match.Image.ImageId, plan.Match.Reused.Count, plan.Match.Missing.Count, Capacity.Free,
            State.Learned.IsEmpty ? null : State.Learned.Explain(plan.Dag, request.Spec));
        return new PlantDecision(Remember(plan)) { Replies = [new Bid(request.RequestId, offer)] };
    }

    /// <summary>
    /// Takes an award: reserves capacity (<see cref="VmReserved"/>) and builds what was offered when it still fits and its
    /// image is still cached (otherwise plans again from the offered DAG), or refuses. A resent award repeats what is known.
    /// </summary>
    public PlantDecision Award(Award award, DateTimeOffset now)
    {
        if (State.VmIdByRequest.TryGetValue(award.RequestId, out var knownVm))
        {
            // A resent award (shop retry or failover): never build twice; repeat what we know.
            var accepted = new AwardAccepted(award.RequestId, Rules.Plant);
            return State.Vms[knownVm] switch
            {
                { State: VmState.Running, Info: { } info } => new PlantDecision(this) { Replies = [accepted, new VmReady(award.RequestId, info, ReportFor(info))] },
                _ => new PlantDecision(this) { Replies = [accepted] },
            };
        }
        if (State.RemovedByRequest.TryGetValue(award.RequestId, out var removedVm))
            return new PlantDecision(this)
            {
                Replies = [new AwardAccepted(award.RequestId, Rules.Plant), new VmFailed(award.RequestId, removedVm, Rules.Plant, $"VM {removedVm} is gone from plant {Rules.Plant} (destroyed, failed or lost)")],
            };
        var offered = Offers.TryGetValue(award.RequestId, out var o) ? o.Plan : null;
        var ledger = this with { Offers = Offers.Remove(award.RequestId) };
        var (plan, reason) = offered is not null && ledger.StillOffers(offered) ? (offered, "") : ledger.Evaluate(award.RequestId, award.Spec, offered?.Dag, now);
        if (plan is null)
            return new PlantDecision(ledger) { Replies = [new AwardRefused(award.RequestId, Rules.Plant, reason)] };
        var (withCore, build) = ledger.WithCore(plan with { VmId = award.VmId, AcceptedAt = now });
        return new PlantDecision(withCore)
        {
            Events = [new VmReserved(award.RequestId, award.VmId, award.Spec, build.Match.Image.ImageId, build.AcceptedAt)],
            Replies = [new AwardAccepted(award.RequestId, Rules.Plant)],
            Build = build,
            BuildBeforeJournaled = Rules.BuildsBeforeReservationJournaled,
            Note = $"building {award.VmId} for {award.RequestId} from image {build.Match.Image.ImageId}: {build.Match.Missing.Count} actions to perform, "
                   + $"{build.Match.Reused.Count} reused" + (build.Core is { } core ? $"; its core is saved as image {core.ImageId} ({core.Actions.Count} actions) before the rest" : ""),
        };
    }

    /// <summary>A build finished: journal the VM (and the image's hit); publish its disk as an image when the cache wants it.</summary>
    public PlantDecision Built(BuildOutcome outcome, DateTimeOffset now)
    {
        if (outcome is not BuildOutcome.Succeeded ok)
        {
            var failed = (BuildOutcome.Failed)outcome;
            return new PlantDecision(this)
            {
                Events = [new VmBuildFailed(failed.Plan.RequestId, failed.Plan.VmId, failed.Reason)],
                Replies = [new VmFailed(failed.Plan.RequestId, failed.Plan.VmId, Rules.Plant, failed.Reason)],
                Note = failed.Reason,
            };
        }
        var copy = PublishCopy(ok.Plan, ok.Vm.VmId);
        return new PlantDecision(copy is null ? this : this with { Copying = Copying.Add(copy.ImageId, copy.DiskGiB) })
        {
            Events =
            [
                new VmBuilt(ok.Vm, ok.Report) { ImageHitAt = ok.Plan.Match.Image.ImageId == Rules.BaseImageVolume ? null : now },
                // Actions performed for real carry their measured duration: the plant learns its own costs.
                .. ok.Vm.Actions.Where(a => a.Output is not null).Select(a => new ActionCostLearned(a.Identity, a.Kind, a.Output!.Seconds, now)),
            ],
            Replies = [new VmReady(ok.Plan.RequestId, ok.Vm, ok.Report)],
            Copy = copy,
        };
    }

    /// <summary>An image copy (a finished VM's or a build's core) ended: journal the image, then evict what no longer fits the cache.</summary>
    public PlantDecision Copied(ImageCopied copied)
    {
        var ledger = this with { Copying = Copying.Remove(copied.ImageId) };
        if (copied.Image is not { } image)
            return new PlantDecision(ledger) { Note = copied.Error };
        if (State.Images.ContainsKey(image.ImageId))
            return new PlantDecision(ledger); // another build published the same action set first; the copy is the same volume
        var published = new ImagePublished(image);
        var withImage = ledger.Apply(published);
        var (evictions, volumes) = withImage.Evictions();
        var deleting = evictions.Aggregate(ledger.Deleting, (d, e) => d.SetItem(volumes[e.ImageId], PlantState.GiBOf(withImage.State.Images[e.ImageId])));
        return new PlantDecision(ledger with { Deleting = deleting })
        {
            Events = [published, .. evictions],
            EvictedVolumes = volumes,
            Note = $"published golden image {image.ImageId} ({image.Actions.Length} actions, saves {image.BuildCost}s)",
        };
    }

    /// <summary>An evicted image's volume is gone from the host: its disk is free.</summary>
    public PlantLedger VolumeDeleted(string volume) => this with { Deleting = Deleting.Remove(volume) };

    /// <summary>What the cache has no room for, least valuable first, except images backing a live VM's disk.</summary>
    public (ImmutableArray<ImageEvicted> Events, ImmutableDictionary<string, string> Volumes) Evictions()
    {
        var pinned = State.PinnedImages();
        var chosen = State.Cache.ChooseEvictions().Where(i => !pinned.Contains(i.ImageId)).ToList();
        return ([.. chosen.Select(i => new ImageEvicted(i.ImageId, "cache over its size budget"))], chosen.ToImmutableDictionary(i => i.ImageId, i => i.Volume));
    }

    // ---- existing VMs ----

    /// <summary>Extends a running VM: its own disk is the starting point; what it has done is reused, the rest is performed on it.</summary>
    public ConfigureDecision Configure(ConfigurePlantVm request)
    {
        if (!State.Vms.TryGetValue(request.VmId, out var vm) || vm.State != VmState.Running || vm.Info is null || Unavailable is not null)
            return new ConfigureDecision.Refuse(new VmFailed(request.RequestId, request.VmId, Rules.Plant,
                Unavailable ?? $"VM {request.VmId} is not running on plant {Rules.Plant}"));
        ConfigDag extended;
        try
        {
            extended = ConfigDag.Build(vm.Spec).Extend(request.Actions);
        }
        catch (SpecValidationException e)
        {
            return new ConfigureDecision.Refuse(new RequestRejected(request.RequestId, e.Message));
        }
        var done = vm.Info.Actions.Select(a => a.Identity).ToHashSet();
        var reused = extended.Actions.Where(a => done.Contains(a.Identity.Value)).ToList();
        var missing = extended.InTopologicalOrder(extended.Actions.Where(a => !done.Contains(a.Identity.Value)));
        var current = new GoldenImage(vm.ImageId, vm.Volume, reused.Select(a => a.Identity).ToImmutableHashSet(), reused.Sum(a => a.Cost), 0, vm.Info.CreatedAt);
        var plan = new BuildPlan(request.RequestId, vm.VmId, extended, new ImageMatch(current, missing.Sum(a => a.Cost), reused, missing), vm.Info.CreatedAt);
        return new ConfigureDecision.Extend(plan, vm.Info.Actions, vm.Spec with { Actions = vm.Spec.Actions.AddRange(request.Actions) });
    }

    public PlantDecision Reconfigured(BuildOutcome outcome, VmSpec spec) => outcome switch
    {
        BuildOutcome.Succeeded ok => new PlantDecision(this)
        {
            Events = [new VmReconfigured(ok.Plan.RequestId, ok.Vm, ok.Report, spec)],
            Replies = [new VmReady(ok.Plan.RequestId, ok.Vm, ok.Report)],
        },
        _ => Reply(new VmFailed(outcome.Plan.RequestId, outcome.Plan.VmId, Rules.Plant, ((BuildOutcome.Failed)outcome).Reason)),
    };

    public DestroyDecision Destroy(DestroyVm request)
    {
        if (!State.Vms.TryGetValue(request.VmId, out var vm) || vm.State == VmState.Destroyed)
            return new DestroyDecision.Refuse(new VmNotFound(request.VmId));
        if (vm.State == VmState.Building)
            return new DestroyDecision.Refuse(new RequestRejected(request.VmId, $"VM {request.VmId} is still being built on plant {Rules.Plant}; destroy it once it is ready"));
        return new DestroyDecision.Remove(vm);
    }

    /// <summary>A VM's removal ended: journaled when it worked; everyone waiting is told either way.</summary>
    public PlantDecision Removed(string vmId, string? error, DateTimeOffset now) => error is null
        ? new PlantDecision(this) { Events = [new VmRemoved(vmId, now)], Replies = [new VmDestroyed(vmId, Rules.Plant)] }
        : Reply(new RequestRejected(vmId, $"destroying {vmId} on plant {Rules.Plant} failed: {error}"));

    // ---- queries ----

    public PlantStatus Status(string hypervisorUri)
    {
        var capacity = Capacity;
        return new PlantStatus(Rules.Plant, hypervisorUri, Unavailable is null, capacity.Total, capacity.Free,
            State.Vms.Values.Count(v => v.HoldsCapacity),
            [.. State.Images.Values.OrderBy(i => i.ImageId, StringComparer.Ordinal)
                .Select(i => new GoldenImageInfo(i.ImageId, i.Volume, i.Actions, i.BuildCost, State.Cache.TryGetUsage(i.ImageId, out var usage) ? usage.Hits : 0))]);
    }

    public VmList Vms() => new([.. State.Vms.Values.Where(v => v.Info is not null).Select(v => v.Info!)]);

    public static PerformedAction Performed(DagAction action) => new(action.Id, action.Kind, action.Identity.Value);

    // ---- rules ----

    /// <summary>The plant's best plan for a spec (from <paramref name="dag"/> when already built), or null with the reason it cannot take it.</summary>
    private (BuildPlan? Plan, string Reason) Evaluate(string requestId, VmSpec spec, ConfigDag? dag, DateTimeOffset now)
    {
        if (Unavailable is { } down) return (null, down);
        try
        {
            dag ??= State.Learned.Apply(ConfigDag.Of(spec), spec);
        }
        catch (SpecValidationException e)
        {
            return (null, e.Message);
        }
        var capacity = Capacity;
        if (!capacity.Fits(dag.Resources, out var reason)) return (null, reason);
        var match = State.Cache.Index.FindBest(dag, Rules.CostModel, capacity.UtilisationAfter(dag.Resources));
        if (match is null) return (null, "no usable image (the base image is missing)");
        return Capability?.Invoke(match) is { } refusal ? (null, refusal) : (new BuildPlan(requestId, "", dag, match, now), "");
    }

    /// <summary>The offered plan still stands: connected, it fits, and its image is still cached.</summary>
    private bool StillOffers(BuildPlan offered) =>
        Unavailable is null && Capacity.Fits(offered.Dag.Resources, out _) && State.Cache.Contains(offered.Match.Image.ImageId);

    /// <summary>
    /// Sets the plan's core image aside for copying part-way when the cache wants it, no copy of it is under way and the
    /// disk has room for it beside the VM being reserved (not yet in this ledger).
    /// </summary>
    private (PlantLedger Ledger, BuildPlan Plan) WithCore(BuildPlan plan)
    {
        var core = State.Cache.CoreToCheckpoint(plan.Dag, plan.Match);
        return core is null || Copying.ContainsKey(core.ImageId) || !HasDiskForCopy(plan.Dag.Resources.DiskGiB, reservingGiB: plan.Dag.Resources.DiskGiB)
            ? (this, plan with { Core = null })
            : (this with { Copying = Copying.Add(core.ImageId, plan.Dag.Resources.DiskGiB) }, plan with { Core = core });
    }

    private ImageCopy? PublishCopy(BuildPlan plan, string vmId)
    {
        if (Unavailable is not null || !State.Cache.ShouldPublish(plan.Dag, plan.Match) || !HasDiskForCopy(plan.Dag.Resources.DiskGiB)) return null;
        var imageId = ImageIds.For(plan.Dag.Identities);
        return Copying.ContainsKey(imageId) ? null
            : new ImageCopy(imageId, vmId, [.. plan.Dag.Actions.Select(Performed)], plan.Dag.TotalCost, plan.Dag.Resources.DiskGiB);
    }

    /// <summary>
    /// A copy holds its disk until it is published and the cache has evicted what no longer fits, so it is planned only
    /// into free disk: the cache is an optimisation and never takes the room VMs were promised (copies planned regardless
    /// overcommitted the pool, and libvirt then refused clones and copies alike: "Not enough free space in pool").
    /// </summary>
    private bool HasDiskForCopy(long copyGiB, long reservingGiB = 0) => Capacity.Free.DiskGiB - reservingGiB >= copyGiB;

    private PlantLedger Remember(BuildPlan plan)
    {
        var offers = Offers.SetItem(plan.RequestId, (plan, OfferSeq));
        if (offers.Count > OffersKept)
            offers = offers.RemoveRange(offers.OrderBy(o => o.Value.Seq).Take(offers.Count - OffersKept / 2).Select(o => o.Key));
        return this with { Offers = offers, OfferSeq = OfferSeq + 1 };
    }

    private PlantVm? Held(string requestId) =>
        State.VmIdByRequest.TryGetValue(requestId, out var vmId) && State.Vms[vmId].HoldsCapacity ? State.Vms[vmId] : null;

    private PlantDecision Reply(IVmPlantMessage message) => new(this) { Replies = [message] };

    /// <summary>What the plant tells the shop about each running VM after a start (see PlantActor's connect).</summary>
    public IEnumerable<VmReady> RunningVms() =>
        from entry in State.VmIdByRequest
        where State.Vms.GetValueOrDefault(entry.Value) is { State: VmState.Running, Info: not null }
        let info = State.Vms[entry.Value].Info!
        select new VmReady(entry.Key, info, ReportFor(info));

    private CreateReport ReportFor(VmInfo info) => new(Rules.Plant, info.ImageId,
        ImmutableArray<string>.Empty, [.. info.Actions.Select(a => a.Id)], 0, 0,
        ImmutableArray<BidSummary>.Empty, ImmutableArray<DeclineSummary>.Empty);
}
