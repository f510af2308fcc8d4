using System.Collections.Immutable;
using VMPlant.Actors.Serialization;
using VMPlant.Messages;

namespace VMPlant.Actors.Domain;

/// <summary>Requests and VMs the shop has accepted, rebuilt from its journal by <see cref="Apply"/>.</summary>
public sealed record ShopState(
    ImmutableDictionary<string, RequestRecord> Requests,
    ImmutableDictionary<string, VmInfo> Vms)
{
    public static readonly ShopState Empty = new(
        ImmutableDictionary<string, RequestRecord>.Empty,
        ImmutableDictionary<string, VmInfo>.Empty);

    public ShopState Apply(IVmPlantEvent e) => e switch
    {
        RequestAccepted a => this with
        {
            Requests = Requests.SetItem(a.RequestId, new RequestRecord(a.RequestId, a.VmId, a.Spec, RequestStatus.Accepted, null,
                ImmutableArray<BidSummary>.Empty, ImmutableArray<DeclineSummary>.Empty, null, null) { Owner = a.Owner, Fingerprint = a.Fingerprint }),
        },
        RequestAwarded w => WithRequest(w.RequestId, r => r with { Status = RequestStatus.Awarded, Plant = w.Plant, Bids = w.Bids, Declines = w.Declines }),
        RequestCompleted c => WithRequest(c.RequestId, r => Finished(r) with
            {
                Status = RequestStatus.Completed,
                Plant = c.Vm.Plant,
                Created = new VmCreated(c.RequestId, c.Vm with { Owner = r.Owner }, c.Report),
            }) with { Vms = Vms.SetItem(c.Vm.VmId, c.Vm with { Owner = Requests.GetValueOrDefault(c.RequestId)?.Owner }) },
        RequestFailed f => WithRequest(f.RequestId, r => Finished(r) with
        {
            Status = RequestStatus.Failed,
            Failure = new CreateVmFailed(f.RequestId, f.Reason, f.Bids, f.Declines),
        }),
        VmConfigured c => this with
        {
            Requests = Requests.SetItem(c.RequestId, new RequestRecord(c.RequestId, c.Vm.VmId, null, RequestStatus.Completed, c.Vm.Plant,
                ImmutableArray<BidSummary>.Empty, ImmutableArray<DeclineSummary>.Empty, new VmCreated(c.RequestId, c.Vm, c.Report), null) { Fingerprint = c.Fingerprint }),
            // A configured VM keeps its owner; one destroyed while its last configure ran stays destroyed.
            Vms = Vms.GetValueOrDefault(c.Vm.VmId) is { State: VmState.Destroyed } ? Vms
                : Vms.SetItem(c.Vm.VmId, c.Vm with { Owner = Vms.GetValueOrDefault(c.Vm.VmId)?.Owner }),
        },
        VmDeleted d => Vms.TryGetValue(d.VmId, out var vm) ? this with { Vms = Vms.SetItem(d.VmId, vm with { State = VmState.Destroyed }) } : this,
        _ => throw new ArgumentException($"shop state cannot apply {e.GetType().Name}"),
    };

    /// <summary>
    /// The answer for a request, once there is one. A created or configured VM is described as it is now (destroyed,
    /// say), not as it was when the request finished; the rest of the answer stays what it was.
    /// </summary>
    public IVmPlantMessage? OutcomeOf(RequestRecord request) =>
        request.Created is { } created && Vms.TryGetValue(created.Vm.VmId, out var vm) && vm.State != created.Vm.State
            ? created with { Vm = created.Vm with { State = vm.State } }
            : request.Outcome;

    /// <summary>Requests accepted but not yet answered: resumed after a restart or failover.</summary>
    public IEnumerable<RequestRecord> Unfinished => Requests.Values.Where(r => !r.IsFinished && r.Spec is not null);

    /// <summary>A finished request keeps only its answer (which carries the bids): the spec and the working copy of the
    /// bids were needed to finish it, and dropping them keeps the state — and every snapshot — a fraction of the size.</summary>
    private static RequestRecord Finished(RequestRecord r) =>
        r with { Spec = null, Bids = ImmutableArray<BidSummary>.Empty, Declines = ImmutableArray<DeclineSummary>.Empty };

    private ShopState WithRequest(string requestId, Func<RequestRecord, RequestRecord> change) =>
        Requests.TryGetValue(requestId, out var r) ? this with { Requests = Requests.SetItem(requestId, change(r)) } : this;
}
