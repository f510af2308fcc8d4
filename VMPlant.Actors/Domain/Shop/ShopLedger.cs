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

    public AuctionStep Auction { get; init; }

    public string? Note { get; init; }
}

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

    /// <summary>After recovery both sides are the journal.</summary>
    public ShopLedger<TRequester> Recovered() => this with { Journaled = Decided };

    public ShopLedger<TRequester> Journal(IVmPlantEvent e) => this with { Journaled = Journaled.Apply(e) };

    public ShopLedger<TRequester> Wait(string requestId, TRequester requester) =>
        this with { Waiting = Waiting.SetItem(requestId, Waiting.GetValueOrDefault(requestId, ImmutableList<TRequester>.Empty).Add(requester)) };

    /// <summary>Everyone waiting for the request, no longer waiting.</summary>
    public (ShopLedger<TRequester> Ledger, ImmutableList<TRequester> Requesters) TakeWaiting(string requestId) =>
        Waiting.TryGetValue(requestId, out var waiting) ? (this with { Waiting = Waiting.Remove(requestId) }, waiting) : (this, []);

    /// <summary>The journaled answer for the request, once there is one.</summary>
    public IVmPlantMessage? JournaledOutcome(string requestId) => Journaled.Requests.TryGetValue(requestId, out var r) ? r.Outcome : null;

    /// <summary>VM ids are derived from the request id, so a retried request can never mint a second VM.</summary>
    public static string VmIdFor(string requestId, string name)
    {
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(requestId)))[..12];
        return $"{(name.Length > 40 ? name[..40] : name)}-{hash}";
    }

    /// <summary>Why the spec cannot be built at all; null when it can.</summary>
    public static RequestRejected? Validate(string requestId, VmSpec spec)
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

    /// <summary>A create request: a known id joins (or repeats) its one outcome; a new one is accepted and auctioned.</summary>
    public ShopDecision<TRequester> Create(CreateVm create, TRequester requester, DateTimeOffset now)
    {
        if (Decided.Requests.TryGetValue(create.RequestId, out var known))
            // Also a duplicate of a request still being journaled: it waits for the one outcome.
            return new ShopDecision<TRequester>(Wait(create.RequestId, requester)) { Repeat = known.Outcome is not null };
        if (Validate(create.RequestId, create.Spec) is { } rejection)
            return new ShopDecision<TRequester>(this) { Reply = rejection };
        var accepted = new RequestAccepted(create.RequestId, VmIdFor(create.RequestId, create.Spec.Name), create.Spec, now);
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
            : Decide(new RequestFailed(requestId, reason, bids, declines), ledger) with { AnswerWhenJournaled = true };
    }

    /// <summary>
    /// A plant reports a running VM. It arrives after the plant's answer to the award (both travel plant → shop), so the
    /// award and its bids are known. Repeats are answered again; a second VM for a completed request is a duplicate to destroy.
    /// </summary>
    public ShopDecision<TRequester> Ready(VmReady ready)
    {
        if (!Decided.Requests.TryGetValue(ready.RequestId, out var request))
            return Waiting.ContainsKey(ready.RequestId)
                ? Decide(new VmConfigured(ready.RequestId, ready.Vm, ready.Report), this) with { AnswerWhenJournaled = true }
                : new ShopDecision<TRequester>(this);
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
        var report = ready.Report with { Bids = request.Bids, Declines = request.Declines };
        return Decide(new RequestCompleted(ready.RequestId, ready.Vm, report), this) with { AnswerWhenJournaled = true };
    }

    /// <summary>A plant reports a failed build (journaled unless already finished), or a failed configure (nothing journaled).</summary>
    public ShopDecision<TRequester> Failed(VmFailed failed)
    {
        if (!Decided.Requests.TryGetValue(failed.RequestId, out var request))
            return new ShopDecision<TRequester>(this)
            {
                TellWaiting = new CreateVmFailed(failed.RequestId, failed.Reason, ImmutableArray<BidSummary>.Empty, ImmutableArray<DeclineSummary>.Empty),
            };
        return request.IsFinished
            ? new ShopDecision<TRequester>(this)
            : Decide(new RequestFailed(failed.RequestId, failed.Reason, request.Bids, request.Declines), this) with { AnswerWhenJournaled = true };
    }

    /// <summary>A configure request goes to the running VM's plant, the requester waiting for its answer; a known id repeats its outcome.</summary>
    public ShopDecision<TRequester> Configure(ConfigureVm configure, TRequester requester, Func<string, bool> reachable)
    {
        if (Decided.Requests.TryGetValue(configure.RequestId, out var known) && known.Outcome is { } outcome)
            return new ShopDecision<TRequester>(this) { ReplyAfterJournal = outcome };
        if (!Decided.Vms.TryGetValue(configure.VmId, out var vm) || vm.State != VmState.Running)
            return new ShopDecision<TRequester>(this) { ReplyAfterJournal = new VmNotFound(configure.VmId) };
        if (!reachable(vm.Plant))
            return new ShopDecision<TRequester>(this) { Reply = Unreachable(configure.RequestId, vm) };
        return new ShopDecision<TRequester>(Wait(configure.RequestId, requester))
        {
            ToPlant = (vm.Plant, new ConfigurePlantVm(configure.RequestId, configure.VmId, configure.Actions)),
        };
    }

    /// <summary>A destroy request goes to the VM's plant once; repeated ones wait for the same removal.</summary>
    public ShopDecision<TRequester> Destroy(DestroyVm destroy, TRequester requester, Func<string, bool> reachable)
    {
        if (!Decided.Vms.TryGetValue(destroy.VmId, out var vm) || vm.State == VmState.Destroyed)
            return new ShopDecision<TRequester>(this) { ReplyAfterJournal = new VmNotFound(destroy.VmId) };
        if (!reachable(vm.Plant))
            return new ShopDecision<TRequester>(this) { Reply = Unreachable(destroy.VmId, vm) };
        var waiting = Destroying.GetValueOrDefault(destroy.VmId);
        return new ShopDecision<TRequester>(this with { Destroying = Destroying.SetItem(destroy.VmId, (waiting ?? ImmutableList<TRequester>.Empty).Add(requester)) })
        {
            ToPlant = waiting is null ? (vm.Plant, destroy) : null,
        };
    }

    /// <summary>The VM's plant removed it: journaled, then everyone waiting is told. Removing a duplicate changes nothing.</summary>
    public ShopDecision<TRequester> Removed(VmDestroyed destroyed, DateTimeOffset now) =>
        Decided.Vms.TryGetValue(destroyed.VmId, out var vm) && vm.Plant != destroyed.Plant
            ? new ShopDecision<TRequester>(this) { Note = $"duplicate {destroyed.VmId} removed from {destroyed.Plant}; the VM on {vm.Plant} stays" }
            : Decide(new VmDeleted(destroyed.VmId, now), this) with { TellDestroying = (destroyed.VmId, destroyed) };

    /// <summary>The plant no longer has the VM: the shop's record was stale, so it is closed.</summary>
    public ShopDecision<TRequester> Vanished(VmNotFound notFound, DateTimeOffset now) =>
        Decide(new VmDeleted(notFound.VmId, now), this) with { TellDestroying = (notFound.VmId, notFound) };

    /// <summary>A plant rejected a configure or destroy request: whoever waits for it is told.</summary>
    public ShopDecision<TRequester> Rejected(RequestRejected rejected) =>
        new(this) { TellWaiting = rejected, TellDestroying = (rejected.RequestId, rejected) };

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
