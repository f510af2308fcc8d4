using System.Collections.Immutable;
using VMPlant.Actors.Serialization;
using VMPlant.Messages;

namespace VMPlant.Actors.Domain;

/// <summary>
/// The shop's state as saved: requests (unfinished first, then finished oldest first), VMs, and — absent in snapshots
/// written before retention existed — the requests remembered in short and the VM removals, oldest first.
/// </summary>
[EventVersion(1)]
public sealed record ShopSnapshot(ImmutableArray<RequestRecord> Requests, ImmutableArray<VmInfo> Vms) : IVmPlantSnapshot
{
    public ImmutableArray<RememberedRequest>? Remembered { get; init; }

    public ImmutableArray<VmRemoval>? Removals { get; init; }

    public static ShopSnapshot Of(ShopState state)
    {
        var (requests, remembered, removals) = state.InOrder();
        return new ShopSnapshot(requests, state.Vms.Values.ToImmutableArray()) { Remembered = remembered, Removals = removals };
    }

    /// <summary>The saved state, kept by <paramref name="retention"/> from its next event on (default: <see cref="ShopRetention.Default"/>).</summary>
    public ShopState Restore(ShopRetention? retention = null) =>
        ShopState.Restored(Requests, Vms, Remembered ?? [], Removals ?? []) with { Retention = retention ?? ShopRetention.Default };
}
