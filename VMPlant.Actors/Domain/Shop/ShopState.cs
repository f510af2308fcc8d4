using System.Collections.Immutable;
using VMPlant.Actors.Serialization;
using VMPlant.Messages;

namespace VMPlant.Actors.Domain;

/// <summary>
/// Requests and VMs the shop has accepted, rebuilt from its journal by <see cref="Apply"/>. What it keeps is bounded by
/// <see cref="Retention"/>: applying an event with a time also retires what that time puts past its window (full
/// records to <see cref="Remembered"/>, remembered ids and destroyed VMs out), so replaying the same events gives the
/// same state and a snapshot holds only what is within the windows.
/// </summary>
public sealed record ShopState(
    ImmutableDictionary<string, RequestRecord> Requests,
    ImmutableDictionary<string, VmInfo> Vms)
{
    public static readonly ShopState Empty = new(
        ImmutableDictionary<string, RequestRecord>.Empty,
        ImmutableDictionary<string, VmInfo>.Empty);

    public ShopRetention Retention { get; init; } = ShopRetention.Default;

    /// <summary>Finished requests past their full record's retention, by request id.</summary>
    public ImmutableDictionary<string, RememberedRequest> Remembered { get; init; } = ImmutableDictionary<string, RememberedRequest>.Empty;

    /// <summary>This state's size in full request records, which spaces its snapshots (<see cref="SnapshotCadence"/>).</summary>
    public int SnapshotWeight => Requests.Count + (Remembered.Count + Vms.Count) / SnapshotCadence.CompactPerFullRecord;

    // Retirement order: finished requests with full records, remembered ones, destroyed VMs — each oldest first.
    internal ImmutableQueue<string> FinishedOrder { get; init; } = ImmutableQueue<string>.Empty;
    internal int FinishedCount { get; init; }
    internal ImmutableQueue<string> RememberedOrder { get; init; } = ImmutableQueue<string>.Empty;
    internal ImmutableQueue<VmRemoval> Removals { get; init; } = ImmutableQueue<VmRemoval>.Empty;

    public ShopState Apply(IVmPlantEvent e)
    {
        var next = e switch
        {
            RequestAccepted a => this with
            {
                Requests = Requests.SetItem(a.RequestId, new RequestRecord(a.RequestId, a.VmId, a.Spec, RequestStatus.Accepted, null,
                    ImmutableArray<BidSummary>.Empty, ImmutableArray<DeclineSummary>.Empty, null, null) { Owner = a.Owner, Fingerprint = a.Fingerprint }),
            },
            RequestAwarded w => WithRequest(w.RequestId, r => r with { Status = RequestStatus.Awarded, Plant = w.Plant, Bids = w.Bids, Declines = w.Declines }),
            RequestCompleted c => FinishRequest(c.RequestId, r => Finished(r, c.At) with
                {
                    Status = RequestStatus.Completed,
                    Plant = c.Vm.Plant,
                    // Since 2026-12-02 the event leaves the bids to the award (RequestAwarded); earlier ones carry a copy.
                    Created = new VmCreated(c.RequestId, c.Vm with { Owner = r.Owner },
                        c.Report.Bids.IsDefaultOrEmpty ? c.Report with { Bids = r.Bids, Declines = r.Declines } : c.Report),
                }) with { Vms = Vms.SetItem(c.Vm.VmId, c.Vm with { Owner = Requests.GetValueOrDefault(c.RequestId)?.Owner }) },
            RequestFailed f => FinishRequest(f.RequestId, r => Finished(r, f.At) with
            {
                Status = RequestStatus.Failed,
                Failure = new CreateVmFailed(f.RequestId, f.Reason, f.Bids, f.Declines),
            }),
            VmConfigured c => (this with
            {
                Requests = Requests.SetItem(c.RequestId, new RequestRecord(c.RequestId, c.Vm.VmId, null, RequestStatus.Completed, c.Vm.Plant,
                    ImmutableArray<BidSummary>.Empty, ImmutableArray<DeclineSummary>.Empty, new VmCreated(c.RequestId, c.Vm, c.Report), null)
                    {
                        Fingerprint = c.Fingerprint,
                        FinishedAt = c.At,
                    }),
                // A configured VM keeps its owner; one destroyed (or gone) while its last configure ran stays so.
                Vms = Vms.TryGetValue(c.Vm.VmId, out var configured) && configured.State != VmState.Destroyed
                    ? Vms.SetItem(c.Vm.VmId, c.Vm with { Owner = configured.Owner })
                    : Vms,
            }).Enqueued(c.RequestId),
            VmDeleted d => Vms.TryGetValue(d.VmId, out var vm)
                ? this with { Vms = Vms.SetItem(d.VmId, vm with { State = VmState.Destroyed }), Removals = Removals.Enqueue(new VmRemoval(d.VmId, d.At)) }
                : this,
            _ => throw new ArgumentException($"shop state cannot apply {e.GetType().Name}"),
        };
        return TimeOf(e) is { } at ? next.Retire(at) : next;
    }

    private static DateTimeOffset? TimeOf(IVmPlantEvent e) => e switch
    {
        RequestAccepted a => a.At,
        RequestCompleted c => c.At,
        RequestFailed f => f.At,
        VmConfigured c => c.At,
        VmDeleted d => d.At,
        _ => null,
    };

    /// <summary>
    /// The answer for a request, once there is one. A created or configured VM is described as it is now (destroyed,
    /// say), not as it was when the request finished; the rest of the answer stays what it was.
    /// </summary>
    public IVmPlantMessage? OutcomeOf(RequestRecord request)
    {
        if (request.Created is not { } created) return request.Outcome;
        var state = Vms.TryGetValue(created.Vm.VmId, out var vm) ? vm.State : VmState.Destroyed; // VMs leave only destroyed
        return state == created.Vm.State ? created : created with { Vm = created.Vm with { State = state } };
    }

    /// <summary>
    /// The answer for a request remembered in short: its failure reason, or its VM as it is now (once the VM has left
    /// too, only its id, plant and state), with no build report.
    /// </summary>
    public IVmPlantMessage OutcomeOf(RememberedRequest request)
    {
        if (request.Status == RequestStatus.Failed)
            return new CreateVmFailed(request.RequestId, request.Reason ?? "failed", ImmutableArray<BidSummary>.Empty, ImmutableArray<DeclineSummary>.Empty);
        var vm = Vms.GetValueOrDefault(request.VmId) ?? new VmInfo(request.VmId, NameOf(request.VmId), request.Plant ?? "", VmState.Destroyed,
            new Resources(0, 0, 0), "", ImmutableArray<PerformedAction>.Empty, request.FinishedAt ?? DateTimeOffset.UnixEpoch);
        return new VmCreated(request.RequestId, vm, new CreateReport(vm.Plant, vm.ImageId, [], [], 0, 0, [], []));
    }

    /// <summary>VM ids are the spec's name, a dash and a hash (<see cref="ShopLedger{TRequester}.VmIdFor"/>).</summary>
    private static string NameOf(string vmId) => vmId.LastIndexOf('-') is > 0 and var dash ? vmId[..dash] : vmId;

    /// <summary>Requests accepted but not yet answered: resumed after a restart or failover.</summary>
    public IEnumerable<RequestRecord> Unfinished => Requests.Values.Where(r => !r.IsFinished && r.Spec is not null);

    /// <summary>A finished request keeps only its answer (which carries the bids): the spec and the working copy of the
    /// bids were needed to finish it, and dropping them keeps the state — and every snapshot — a fraction of the size.</summary>
    private static RequestRecord Finished(RequestRecord r, DateTimeOffset? at) =>
        r with { Spec = null, Bids = ImmutableArray<BidSummary>.Empty, Declines = ImmutableArray<DeclineSummary>.Empty, FinishedAt = at };

    private ShopState WithRequest(string requestId, Func<RequestRecord, RequestRecord> change) =>
        Requests.TryGetValue(requestId, out var r) ? this with { Requests = Requests.SetItem(requestId, change(r)) } : this;

    private ShopState FinishRequest(string requestId, Func<RequestRecord, RequestRecord> change) =>
        Requests.TryGetValue(requestId, out var r) && !r.IsFinished ? WithRequest(requestId, change).Enqueued(requestId) : WithRequest(requestId, change);

    private ShopState Enqueued(string requestId) => this with { FinishedOrder = FinishedOrder.Enqueue(requestId), FinishedCount = FinishedCount + 1 };

    /// <summary>Retires what <paramref name="now"/> puts past the retention windows, oldest first: O(retired) per call.</summary>
    private ShopState Retire(DateTimeOffset now)
    {
        var (requests, remembered, finished, count, rememberedOrder) = (Requests, Remembered, FinishedOrder, FinishedCount, RememberedOrder);
        while (!finished.IsEmpty)
        {
            var id = finished.Peek();
            if (requests.TryGetValue(id, out var r) && r.IsFinished)
            {
                if (r.FinishedAt is null)
                {
                    // Journaled before finishing times were: its retention counts from now (the first time it is looked at).
                    r = r with { FinishedAt = now };
                    requests = requests.SetItem(id, r);
                }
                var expired = count > Retention.MaxRequests || now - r.FinishedAt!.Value > Retention.MaxAge;
                if (!expired) break;
                requests = requests.Remove(id);
                remembered = remembered.SetItem(id, RememberedRequest.Of(r));
                rememberedOrder = rememberedOrder.Enqueue(id);
            }
            finished = finished.Dequeue();
            count--;
        }
        while (!rememberedOrder.IsEmpty)
        {
            var id = rememberedOrder.Peek();
            if (remembered.TryGetValue(id, out var r))
            {
                var expired = remembered.Count > Retention.IdempotencyMaxRequests || (r.FinishedAt is { } at && now - at > Retention.IdempotencyWindow);
                if (!expired) break;
                remembered = remembered.Remove(id);
            }
            rememberedOrder = rememberedOrder.Dequeue();
        }
        var (vms, removals) = (Vms, Removals);
        while (!removals.IsEmpty && now - removals.Peek().At > Retention.DestroyedVms)
        {
            var gone = removals.Peek().VmId;
            if (vms.GetValueOrDefault(gone) is { State: VmState.Destroyed }) vms = vms.Remove(gone);
            removals = removals.Dequeue();
        }
        return this with
        {
            Requests = requests,
            Remembered = remembered,
            FinishedOrder = finished,
            FinishedCount = count,
            RememberedOrder = rememberedOrder,
            Vms = vms,
            Removals = removals,
        };
    }

    /// <summary>Everything the state holds, in retirement order, for a snapshot (see <see cref="ShopSnapshot"/>).</summary>
    internal (ImmutableArray<RequestRecord> Requests, ImmutableArray<RememberedRequest> Remembered, ImmutableArray<VmRemoval> Removals) InOrder()
    {
        var finished = FinishedOrder.Where(id => Requests.TryGetValue(id, out var r) && r.IsFinished).Distinct().Select(id => Requests[id]);
        var requests = Requests.Values.Where(r => !r.IsFinished).Concat(finished).ToImmutableArray();
        var remembered = RememberedOrder.Where(Remembered.ContainsKey).Distinct().Select(id => Remembered[id]).ToImmutableArray();
        return (requests, remembered, [.. Removals]);
    }

    /// <summary>A state from a snapshot's contents, whose finished requests, remembered ones and removals come oldest first.</summary>
    internal static ShopState Restored(IEnumerable<RequestRecord> requests, IEnumerable<VmInfo> vms, IEnumerable<RememberedRequest> remembered, IEnumerable<VmRemoval> removals)
    {
        var all = requests.ToList();
        var finished = all.Where(r => r.IsFinished).Select(r => r.RequestId).ToList();
        var rememberedList = remembered.ToList();
        var vmList = vms.ToList();
        var removalList = removals.ToList();
        // Destroyed VMs a snapshot written before removal times does not list: removed long ago.
        var timed = removalList.Select(r => r.VmId).ToHashSet(StringComparer.Ordinal);
        var untimed = vmList.Where(v => v.State == VmState.Destroyed && !timed.Contains(v.VmId)).Select(v => new VmRemoval(v.VmId, DateTimeOffset.MinValue));
        return new ShopState(all.ToImmutableDictionary(r => r.RequestId), vmList.ToImmutableDictionary(v => v.VmId))
        {
            Remembered = rememberedList.ToImmutableDictionary(r => r.RequestId),
            FinishedOrder = ImmutableQueue.CreateRange(finished),
            FinishedCount = finished.Count,
            RememberedOrder = ImmutableQueue.CreateRange(rememberedList.Select(r => r.RequestId)),
            Removals = ImmutableQueue.CreateRange(untimed.Concat(removalList)),
        };
    }
}
