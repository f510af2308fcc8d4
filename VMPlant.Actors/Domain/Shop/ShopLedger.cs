using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Text;
using VMPlant.Actors.Serialization;
using VMPlant.Messages;

namespace VMPlant.Actors.Domain;

/// <summary>What the shop's auction for a request does next.</summary>
public enum AuctionStep
{
    None,
    /// <summary>Start an auction for the request (unless one runs already).</summary>
    Start,
    /// <summary>The award was accepted: the auction is over.</summary>
    Stop,
    /// <summary>Pass the plant's answer to the running auction (it tries the next bid).</summary>
    Forward,
}

/// <summary>
/// What the shop ledger decided for one command. <see cref="Ledger"/> has <see cref="Event"/> decided on already; the
/// shop journals it (group commit) and applies it to the journaled side with <see cref="ShopLedger{TRequester}.Journal"/>.
/// </summary>
public sealed record ShopDecision<TRequester>(ShopLedger<TRequester> Ledger)
{
    public IVmPlantEvent? Event { get; init; }

    /// <summary>Once <see cref="Event"/> is journaled, answer everyone waiting for the request with its outcome.</summary>
    public bool AnswerWhenJournaled { get; init; }

    /// <summary>No event: answer everyone waiting with the outcome already decided, once everything decided is journaled.</summary>
    public bool Repeat { get; init; }

    /// <summary>Said to the sender of the command at once (a rejection).</summary>
    public IVmPlantMessage? Reply { get; init; }

    /// <summary>Said to the sender of the command once everything decided is journaled (e.g. a duplicate VM to destroy).</summary>
    public IVmPlantMessage? ReplyAfterJournal { get; init; }

    /// <summary>Said at once to everyone waiting for the request (nothing was journaled: a failed configure).</summary>
    public IVmPlantMessage? TellWaiting { get; init; }

    /// <summary>Sent to the named plant once everything decided is journaled.</summary>
    public (string Plant, IVmPlantMessage Message)? ToPlant { get; init; }

    /// <summary>Told to everyone waiting for the VM's removal, once <see cref="Event"/> is journaled (at once without one).</summary>
    public (string VmId, IVmPlantMessage Message)? TellDestroying { get; init; }

    /// <summary>Told to everyone waiting for each request, once <see cref="Event"/> is journaled (at once without one):
    /// queued configures that can no longer run.</summary>
    public ImmutableArray<(string RequestId, IVmPlantMessage Message)> TellWaitingFor { get; init; } = [];

    public AuctionStep Auction { get; init; }

    public string? Note { get; init; }
}

/// <summary>A configure the shop holds: at the VM's plant (the first of the VM's queue) or waiting for its turn.</summary>
public sealed record PendingConfigure(ConfigureVm Request, string Fingerprint);

/// <summary>The award an auction is offering right now, and the bids and declines that led to it.</summary>
public sealed record AwardOffer(string RequestId, string Plant, ImmutableArray<BidSummary> Bids, ImmutableArray<DeclineSummary> Declines);

/// <summary>
/// The shop's request bookkeeping as a pure value: one outcome per request id (duplicates join or repeat it), the
/// requesters waiting for each, VM ids derived from request ids, the award on offer, and what each plant report means.
/// <see cref="Decided"/> is what the shop decides on (the journal plus events being written); <see cref="Journaled"/> is
/// what the journal holds: answers and snapshots come from it. <typeparamref name="TRequester"/> is whoever waits (an
/// actor reference in the shop).
/// </summary>
public sealed record ShopLedger<TRequester>(ShopState Decided, ShopState Journaled)
{
    public static readonly ShopLedger<TRequester> Empty = new(ShopState.Empty, ShopState.Empty);

    public ImmutableDictionary<string, ImmutableList<TRequester>> Waiting { get; init; } = ImmutableDictionary<string, ImmutableList<TRequester>>.Empty;

    /// <summary>Requesters waiting for a VM's removal, by VM id (a repeated destroy joins the first).</summary>
    public ImmutableDictionary<string, ImmutableList<TRequester>> Destroying { get; init; } = ImmutableDictionary<string, ImmutableList<TRequester>>.Empty;

    /// <summary>The award each running auction offers right now, by request id.</summary>
    public ImmutableDictionary<string, AwardOffer> Offers { get; init; } = ImmutableDictionary<string, AwardOffer>.Empty;

    /// <summary>
    /// Configures of each VM in arrival order, by VM id. Only the first is at the plant; the next goes once its outcome
    /// is in, so each starts from the VM its predecessor left (two at once would both extend the same configuration
    /// and the plant would keep only one of them).
    /// </summary>
    public ImmutableDictionary<string, ImmutableList<PendingConfigure>> Configuring { get; init; } = ImmutableDictionary<string, ImmutableList<PendingConfigure>>.Empty;

    /// <summary>The same configures, by request id.</summary>
    public ImmutableDictionary<string, PendingConfigure> ConfiguresById { get; init; } = ImmutableDictionary<string, PendingConfigure>.Empty;

    /// <summary>The bounds received requests must respect (the node's <c>vmplant.limits</c>).</summary>
    public InputLimits Limits { get; init; } = InputLimits.Default;

    /// <summary>The time the command being decided arrived: stamped on the events that finish requests (retention counts from it).</summary>
    public DateTimeOffset Now { get; init; }

    /// <summary>After recovery both sides are the journal.</summary>
    public ShopLedger<TRequester> Recovered() => this with { Journaled = Decided };

    public ShopLedger<TRequester> Journal(IVmPlantEvent e) => this with { Journaled = Journaled.Apply(e) };

    public ShopLedger<TRequester> Wait(string requestId, TRequester requester) =>
        this with { Waiting = Waiting.SetItem(requestId, Waiting.GetValueOrDefault(requestId, ImmutableList<TRequester>.Empty).Add(requester)) };

    /// <summary>Everyone waiting for the request, no longer waiting.</summary>
    public (ShopLedger<TRequester> Ledger, ImmutableList<TRequester> Requesters) TakeWaiting(string requestId) =>
        Waiting.TryGetValue(requestId, out var waiting) ? (this with { Waiting = Waiting.Remove(requestId) }, waiting) : (this, []);

    /// <summary>The journaled answer for the request, once there is one.</summary>
    public IVmPlantMessage? JournaledOutcome(string requestId) =>
        Journaled.Requests.TryGetValue(requestId, out var r) ? Journaled.OutcomeOf(r)
        : Journaled.Remembered.TryGetValue(requestId, out var remembered) ? Journaled.OutcomeOf(remembered)
        : null;

    /// <summary>VM ids are derived from the request id, so a retried request can never mint a second VM.</summary>
    public static string VmIdFor(string requestId, string name)
    {
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(requestId)))[..12];
        return $"{(name.Length > 40 ? name[..40] : name)}-{hash}";
    }

    /// <summary>Why the spec cannot be built at all (over a limit, or invalid); null when it can.</summary>
    public static RequestRejected? Validate(string requestId, VmSpec spec, InputLimits limits)
    {
        if (ReceivedSpecLimits.Problems(spec, limits) is { Count: > 0 } tooLarge)
            return new RequestRejected(requestId, new SpecValidationException(null, tooLarge).Message);
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

    /// <summary>A request id is journaled and compared: one that is empty, too long or holds control characters is refused.</summary>
    private RequestRejected? BadRequestId(string? requestId) =>
        RequestIds.Problem(requestId, Limits.RequestIdLength) is { } problem
            ? new RequestRejected(Excerpt.Escape(requestId is { Length: > 64 } ? requestId[..64] + "…" : requestId ?? ""), problem)
            : null;

    /// <summary>
    /// A create request: a known id with the same spec joins (or repeats) its one outcome, with another spec (or a
    /// configure's id) it is refused as a conflict; a new one is accepted and auctioned.
    /// </summary>
    public ShopDecision<TRequester> Create(CreateVm create, TRequester requester, DateTimeOffset now)
    {
        if (BadRequestId(create.RequestId) is { } badId)
            return new ShopDecision<TRequester>(this) { Reply = badId };
        var fingerprint = RequestFingerprint.OfCreate(create.Spec);
        if (Decided.Requests.TryGetValue(create.RequestId, out var known))
            return RequestFingerprint.Conflict(create.RequestId, known.Fingerprint, known.VmId, fingerprint, null) is { } conflict
                ? new ShopDecision<TRequester>(this) { ReplyAfterJournal = conflict }
                // Also a duplicate of a request still being journaled: it waits for the one outcome.
                : new ShopDecision<TRequester>(Wait(create.RequestId, requester)) { Repeat = known.Outcome is not null };
        if (Decided.Remembered.TryGetValue(create.RequestId, out var remembered))
            return RequestFingerprint.Conflict(create.RequestId, remembered.Fingerprint, remembered.VmId, fingerprint, null) is { } conflict
                ? new ShopDecision<TRequester>(this) { ReplyAfterJournal = conflict }
                : new ShopDecision<TRequester>(Wait(create.RequestId, requester)) { Repeat = true };
        if (ConfiguresById.TryGetValue(create.RequestId, out var configuring))
            return new ShopDecision<TRequester>(this)
            {
                Reply = RequestFingerprint.Conflict(create.RequestId, configuring.Fingerprint, configuring.Request.VmId, fingerprint, null),
            };
        if (Validate(create.RequestId, create.Spec, Limits) is { } rejection)
            return new ShopDecision<TRequester>(this) { Reply = rejection };
        // The VM will belong to the caller the edge verified (null: anonymous).
        var accepted = new RequestAccepted(create.RequestId, VmIdFor(create.RequestId, create.Spec.Name), create.Spec, now)
        {
            Owner = create.Caller?.Name,
            Fingerprint = fingerprint,
        };
        return Decide(accepted, Wait(create.RequestId, requester)) with { Auction = AuctionStep.Start };
    }

    public ShopLedger<TRequester> Offered(AwardOffer offer) => this with { Offers = Offers.SetItem(offer.RequestId, offer) };

    /// <summary>
    /// A plant accepted an award. Only the award on offer counts: it is journaled with the bids that led to it. A resent
    /// award's answer, or a plant answering after its award timed out, changes nothing.
    /// </summary>
    public ShopDecision<TRequester> Accepted(AwardAccepted accepted)
    {
        if (!Offers.TryGetValue(accepted.RequestId, out var offer) || offer.Plant != accepted.Plant)
            return new ShopDecision<TRequester>(this);
        var ledger = this with { Offers = Offers.Remove(accepted.RequestId) };
        // A re-bid that lost the race with the original plant's late outcome: the request is already answered.
        if (Decided.Requests.TryGetValue(accepted.RequestId, out var known) && known.IsFinished)
            return new ShopDecision<TRequester>(ledger) { Auction = AuctionStep.Stop };
        return Decide(new RequestAwarded(accepted.RequestId, offer.Plant, offer.Bids, offer.Declines), ledger) with { Auction = AuctionStep.Stop };
    }

    /// <summary>A plant refused an award: the auction tries its next bid; a resumed award (no auction) is bid again.</summary>
    public ShopDecision<TRequester> Refused(AwardRefused refused)
    {
        if (Offers.TryGetValue(refused.RequestId, out var offer) && offer.Plant == refused.Plant)
            return new ShopDecision<TRequester>(this with { Offers = Offers.Remove(refused.RequestId) }) { Auction = AuctionStep.Forward };
        if (!Decided.Requests.TryGetValue(refused.RequestId, out var request) || request.IsFinished || request.Plant != refused.Plant || Offers.ContainsKey(refused.RequestId))
            return new ShopDecision<TRequester>(this);
        return new ShopDecision<TRequester>(this)
        {
            Auction = AuctionStep.Start,
            Note = $"plant {refused.Plant} refused the resumed award of {refused.RequestId} ({refused.Reason}); bidding again",
        };
    }

    /// <summary>No plant took the request.</summary>
    public ShopDecision<TRequester> AuctionFailed(string requestId, string reason, ImmutableArray<BidSummary> bids, ImmutableArray<DeclineSummary> declines)
    {
        var ledger = this with { Offers = Offers.Remove(requestId) };
        return Decided.Requests.TryGetValue(requestId, out var known) && known.IsFinished
            ? new ShopDecision<TRequester>(ledger)
            : Decide(new RequestFailed(requestId, reason, bids, declines) { At = Now }, ledger) with { AnswerWhenJournaled = true };
    }

    /// <summary>
    /// A plant reports a running VM. It arrives after the plant's answer to the award (both travel plant → shop), so the
    /// award and its bids are known. Repeats are answered again; a second VM for a completed request is a duplicate to destroy.
    /// </summary>
    /// <param name="reachable">Whether a plant is registered (for the VM's next configure); null: every plant is.</param>
    public ShopDecision<TRequester> Ready(VmReady ready, Func<string, bool>? reachable = null)
    {
        if (!Decided.Requests.TryGetValue(ready.RequestId, out var request))
        {
            if (!ConfiguresById.TryGetValue(ready.RequestId, out var configured) && !Waiting.ContainsKey(ready.RequestId))
                return new ShopDecision<TRequester>(this);
            var next = EndConfigure(ready.RequestId, reachable);
            return Decide(new VmConfigured(ready.RequestId, ready.Vm, ready.Report) { Fingerprint = configured?.Fingerprint, At = Now }, next.Ledger) with
            {
                AnswerWhenJournaled = true,
                ToPlant = next.ToPlant,
                TellWaitingFor = next.Refused,
            };
        }
        if (request.Status == RequestStatus.Completed)
            return request.Created!.Vm.Plant != ready.Vm.Plant
                // A plant that was unreachable when the request was re-bid finished it too: keep one VM only.
                ? new ShopDecision<TRequester>(this)
                {
                    ReplyAfterJournal = new DestroyVm(ready.Vm.VmId),
                    Note = $"{ready.RequestId} was completed on {request.Created.Vm.Plant}; removing the duplicate {ready.Vm.Plant} built",
                }
                // A plant repeating itself (resent award, re-registration after failover): the outcome is already known.
                : new ShopDecision<TRequester>(this) { Repeat = true };
        // The bids are journaled once, with the award: the outcome takes them from the request when applied.
        var report = ready.Report with { Bids = ImmutableArray<BidSummary>.Empty, Declines = ImmutableArray<DeclineSummary>.Empty };
        return Decide(new RequestCompleted(ready.RequestId, ready.Vm, report) { At = Now }, this) with { AnswerWhenJournaled = true };
    }

    /// <summary>A plant reports a failed build (journaled unless already finished), or a failed configure (nothing journaled).</summary>
    public ShopDecision<TRequester> Failed(VmFailed failed, Func<string, bool>? reachable = null)
    {
        if (!Decided.Requests.TryGetValue(failed.RequestId, out var request))
        {
            var next = EndConfigure(failed.RequestId, reachable);
            return new ShopDecision<TRequester>(next.Ledger)
            {
                TellWaiting = new CreateVmFailed(failed.RequestId, failed.Reason, ImmutableArray<BidSummary>.Empty, ImmutableArray<DeclineSummary>.Empty),
                ToPlant = next.ToPlant,
                TellWaitingFor = next.Refused,
            };
        }
        return request.IsFinished
            ? new ShopDecision<TRequester>(this)
            : Decide(new RequestFailed(failed.RequestId, failed.Reason, request.Bids, request.Declines) { At = Now }, this) with { AnswerWhenJournaled = true };
    }

    /// <summary>
    /// A configure request: a known id with the same VM and actions joins (or repeats) its one outcome, with anything else
    /// it is refused as a conflict. A new one goes to the running VM's plant, or waits behind the VM's configure there.
    /// </summary>
    public ShopDecision<TRequester> Configure(ConfigureVm configure, TRequester requester, Func<string, bool> reachable)
    {
        var requestId = configure.RequestId;
        if (BadRequestId(requestId) is { } badId)
            return new ShopDecision<TRequester>(this) { Reply = badId };
        var fingerprint = RequestFingerprint.OfConfigure(configure.VmId, configure.Actions);
        if (Decided.Requests.TryGetValue(requestId, out var known))
            return RequestFingerprint.Conflict(requestId, known.Fingerprint, known.VmId, fingerprint, configure.VmId) is { } conflict
                ? new ShopDecision<TRequester>(this) { ReplyAfterJournal = conflict }
                : new ShopDecision<TRequester>(Wait(requestId, requester)) { Repeat = known.Outcome is not null };
        if (Decided.Remembered.TryGetValue(requestId, out var remembered))
            return RequestFingerprint.Conflict(requestId, remembered.Fingerprint, remembered.VmId, fingerprint, configure.VmId) is { } conflict
                ? new ShopDecision<TRequester>(this) { ReplyAfterJournal = conflict }
                : new ShopDecision<TRequester>(Wait(requestId, requester)) { Repeat = true };
        if (ConfiguresById.TryGetValue(requestId, out var pending))
            return RequestFingerprint.Conflict(requestId, pending.Fingerprint, pending.Request.VmId, fingerprint, configure.VmId) is { } conflict
                ? new ShopDecision<TRequester>(this) { Reply = conflict }
                // The same configure again while it waits or runs: one outcome for both.
                : new ShopDecision<TRequester>(Wait(requestId, requester));
        var problems = ReceivedSpecLimits.Problems(configure.Actions, Limits) is { Count: > 0 } tooLarge ? tooLarge : VmSpecValidator.ValidateAdded(configure.Actions);
        if (problems.Count > 0)
            return new ShopDecision<TRequester>(this) { Reply = new RequestRejected(requestId, new SpecValidationException(null, problems).Message) };
        if (configure.VmId is null || !Decided.Vms.TryGetValue(configure.VmId, out var vm) || vm.State != VmState.Running)
            return new ShopDecision<TRequester>(this) { ReplyAfterJournal = new VmNotFound(configure.VmId ?? "") };
        if (VmOwnership.Refusal(configure.Caller, vm.Owner, vm.VmId) is { } notYours)
            return new ShopDecision<TRequester>(this) { ReplyAfterJournal = new RequestRejected(requestId, notYours) };
        if (!reachable(vm.Plant))
            return new ShopDecision<TRequester>(this) { Reply = Unreachable(requestId, vm) };

        var queue = Configuring.GetValueOrDefault(vm.VmId, ImmutableList<PendingConfigure>.Empty);
        var entry = new PendingConfigure(configure, fingerprint);
        var ledger = Wait(requestId, requester) with
        {
            Configuring = Configuring.SetItem(vm.VmId, queue.Add(entry)),
            ConfiguresById = ConfiguresById.Add(requestId, entry),
        };
        return queue.IsEmpty
            ? new ShopDecision<TRequester>(ledger) { ToPlant = (vm.Plant, ToPlant(configure)) }
            : new ShopDecision<TRequester>(ledger) { Note = $"configure {requestId} of {vm.VmId} waits for {queue.Count} configure(s) of it before it" };
    }

    private static ConfigurePlantVm ToPlant(ConfigureVm configure) => new(configure.RequestId, configure.VmId, configure.Actions);

    /// <summary>
    /// A configure's outcome is in: it leaves its VM's queue and the next one goes to the plant, unless the VM is no longer
    /// running or its plant is gone; those are refused, in order, until one can go.
    /// </summary>
    private (ShopLedger<TRequester> Ledger, (string Plant, IVmPlantMessage Message)? ToPlant, ImmutableArray<(string RequestId, IVmPlantMessage Message)> Refused)
        EndConfigure(string requestId, Func<string, bool>? reachable)
    {
        if (!ConfiguresById.TryGetValue(requestId, out var ended) || !Configuring.TryGetValue(ended.Request.VmId, out var queue))
            return (this, null, []);
        var vmId = ended.Request.VmId;
        var ledger = this with { ConfiguresById = ConfiguresById.Remove(requestId) };
        if (queue[0].Request.RequestId != requestId)
            // Only the first is at the plant; an answer for another (which cannot come from the plant) frees nothing.
            return (ledger with { Configuring = Configuring.SetItem(vmId, queue.RemoveAll(p => p.Request.RequestId == requestId)) }, null, []);
        queue = queue.RemoveAt(0);
        var refused = ImmutableArray.CreateBuilder<(string, IVmPlantMessage)>();
        while (!queue.IsEmpty)
        {
            var next = queue[0].Request;
            var vm = Decided.Vms.GetValueOrDefault(vmId);
            RequestRejected? why = vm is not { State: VmState.Running } ? NoLongerRunning(next.RequestId, vmId, vm)
                : reachable?.Invoke(vm.Plant) == false ? Unreachable(next.RequestId, vm)
                : null;
            if (why is null)
                return (ledger with { Configuring = ledger.Configuring.SetItem(vmId, queue) }, (vm!.Plant, ToPlant(next)), refused.ToImmutable());
            refused.Add((next.RequestId, why));
            ledger = ledger with { ConfiguresById = ledger.ConfiguresById.Remove(next.RequestId) };
            queue = queue.RemoveAt(0);
        }
        return (ledger with { Configuring = ledger.Configuring.Remove(vmId) }, null, refused.ToImmutable());
    }

    /// <summary>The VM is gone: its configures still waiting for their turn are refused (the one at the plant gets the plant's answer).</summary>
    private (ShopLedger<TRequester> Ledger, ImmutableArray<(string RequestId, IVmPlantMessage Message)> Refused) DropQueued(string vmId)
    {
        if (!Configuring.TryGetValue(vmId, out var queue) || queue.Count < 2)
            return (this, []);
        var queued = queue.RemoveAt(0);
        return (this with
            {
                Configuring = Configuring.SetItem(vmId, [queue[0]]),
                ConfiguresById = ConfiguresById.RemoveRange(queued.Select(p => p.Request.RequestId)),
            },
            [.. queued.Select(p => (p.Request.RequestId, (IVmPlantMessage)NoLongerRunning(p.Request.RequestId, vmId, null)))]);
    }

    /// <summary>
    /// A plant left the cluster: the configure it was performing on each of its VMs has an unknown outcome, and those
    /// waiting behind it cannot run now. Everyone waiting for them is told so.
    /// </summary>
    public ShopDecision<TRequester> PlantGone(string plant)
    {
        var ledger = this;
        var refused = ImmutableArray.CreateBuilder<(string, IVmPlantMessage)>();
        foreach (var (vmId, queue) in Configuring)
        {
            if (Decided.Vms.GetValueOrDefault(vmId) is not { } vm || vm.Plant != plant) continue;
            var running = queue[0].Request.RequestId;
            refused.Add((running, new RequestRejected(running,
                $"plant {plant}, which holds {vmId}, left while performing this configure: whether its actions were performed is unknown (show {vmId} lists the VM's actions)")));
            refused.AddRange(queue.Skip(1).Select(p => (p.Request.RequestId, (IVmPlantMessage)Unreachable(p.Request.RequestId, vm))));
            ledger = ledger with
            {
                Configuring = ledger.Configuring.Remove(vmId),
                ConfiguresById = ledger.ConfiguresById.RemoveRange(queue.Select(p => p.Request.RequestId)),
            };
        }
        return new ShopDecision<TRequester>(ledger) { TellWaitingFor = refused.ToImmutable() };
    }

    private static RequestRejected NoLongerRunning(string requestId, string vmId, VmInfo? vm) =>
        new(requestId, vm is null or { State: VmState.Destroyed }
            ? $"VM {vmId} was destroyed before this configure could run; nothing was performed"
            : $"VM {vmId} is {vm.State.ToString().ToLowerInvariant()}, no longer running, so this configure did not run");

    /// <summary>
    /// A destroy request goes to the VM's plant once; repeated ones wait for the same removal. Destroying a VM that is
    /// destroyed already succeeds at once, saying so: what <c>show</c> lists as destroyed, <c>destroy</c> does not call unknown.
    /// </summary>
    public ShopDecision<TRequester> Destroy(DestroyVm destroy, TRequester requester, Func<string, bool> reachable)
    {
        if (destroy.VmId is null || !Decided.Vms.TryGetValue(destroy.VmId, out var vm))
            return new ShopDecision<TRequester>(this) { ReplyAfterJournal = new VmNotFound(destroy.VmId ?? "") };
        if (VmOwnership.Refusal(destroy.Caller, vm.Owner, vm.VmId) is { } notYours)
            return new ShopDecision<TRequester>(this) { ReplyAfterJournal = new RequestRejected(destroy.VmId, notYours) };
        if (vm.State == VmState.Destroyed)
            return new ShopDecision<TRequester>(this) { ReplyAfterJournal = new VmDestroyed(vm.VmId, vm.Plant) { AlreadyDestroyed = true } };
        if (!reachable(vm.Plant))
            return new ShopDecision<TRequester>(this) { Reply = Unreachable(destroy.VmId, vm) };
        var waiting = Destroying.GetValueOrDefault(destroy.VmId);
        return new ShopDecision<TRequester>(this with { Destroying = Destroying.SetItem(destroy.VmId, (waiting ?? ImmutableList<TRequester>.Empty).Add(requester)) })
        {
            ToPlant = waiting is null ? (vm.Plant, destroy) : null,
        };
    }

    /// <summary>
    /// The VM's plant removed it: journaled, then everyone waiting is told, and its configures still waiting for their
    /// turn are refused. Removing a duplicate changes nothing.
    /// </summary>
    public ShopDecision<TRequester> Removed(VmDestroyed destroyed, DateTimeOffset now)
    {
        if (Decided.Vms.TryGetValue(destroyed.VmId, out var vm) && vm.Plant != destroyed.Plant)
            return new ShopDecision<TRequester>(this) { Note = $"duplicate {destroyed.VmId} removed from {destroyed.Plant}; the VM on {vm.Plant} stays" };
        var (ledger, refused) = DropQueued(destroyed.VmId);
        return Decide(new VmDeleted(destroyed.VmId, now), ledger) with { TellDestroying = (destroyed.VmId, destroyed), TellWaitingFor = refused };
    }

    /// <summary>
    /// The plant no longer has the VM: the shop's record was stale, so it is closed, and whoever asked for its removal
    /// hears that it is destroyed (already): the same answer a later destroy gets.
    /// </summary>
    public ShopDecision<TRequester> Vanished(VmNotFound notFound, DateTimeOffset now)
    {
        if (notFound.VmId is null) return new ShopDecision<TRequester>(this);
        IVmPlantMessage answer = Decided.Vms.TryGetValue(notFound.VmId, out var vm) ? new VmDestroyed(vm.VmId, vm.Plant) { AlreadyDestroyed = true } : notFound;
        var (ledger, refused) = DropQueued(notFound.VmId);
        return Decide(new VmDeleted(notFound.VmId, now), ledger) with { TellDestroying = (notFound.VmId, answer), TellWaitingFor = refused };
    }

    /// <summary>A plant rejected a configure or destroy request: whoever waits for it is told (and a configure's VM takes its next one).</summary>
    public ShopDecision<TRequester> Rejected(RequestRejected rejected, Func<string, bool>? reachable = null)
    {
        var next = EndConfigure(rejected.RequestId, reachable);
        return new ShopDecision<TRequester>(next.Ledger)
        {
            TellWaiting = rejected,
            TellDestroying = (rejected.RequestId, rejected),
            ToPlant = next.ToPlant,
            TellWaitingFor = next.Refused,
        };
    }

    /// <summary>Everyone waiting for the VM's removal, no longer waiting.</summary>
    public (ShopLedger<TRequester> Ledger, ImmutableList<TRequester> Requesters) TakeDestroying(string vmId) =>
        Destroying.TryGetValue(vmId, out var waiting) ? (this with { Destroying = Destroying.Remove(vmId) }, waiting) : (this, []);

    private static RequestRejected Unreachable(string requestId, VmInfo vm) =>
        new(requestId, $"plant {vm.Plant}, which holds {vm.VmId}, is not reachable");

    /// <summary>Decides on an event with no other consequence (e.g. a VM deleted).</summary>
    public ShopDecision<TRequester> Record(IVmPlantEvent e) => Decide(e, this);

    private static ShopDecision<TRequester> Decide(IVmPlantEvent e, ShopLedger<TRequester> ledger) =>
        new(ledger with { Decided = ledger.Decided.Apply(e) }) { Event = e };
}
