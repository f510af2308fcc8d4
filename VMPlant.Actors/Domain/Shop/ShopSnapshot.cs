using System.Collections.Immutable;
using VMPlant.Actors.Serialization;
using VMPlant.Messages;

namespace VMPlant.Actors.Domain;

[EventVersion(1)]
public sealed record ShopSnapshot(ImmutableArray<RequestRecord> Requests, ImmutableArray<VmInfo> Vms) : IVmPlantSnapshot
{
    public static ShopSnapshot Of(ShopState state) => new(state.Requests.Values.ToImmutableArray(), state.Vms.Values.ToImmutableArray());

    public ShopState Restore() => new(
        Requests.ToImmutableDictionary(r => r.RequestId),
        Vms.ToImmutableDictionary(v => v.VmId));
}
