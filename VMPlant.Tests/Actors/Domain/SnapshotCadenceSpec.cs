using VMPlant.Actors.Domain;
using VMPlant.Messages;
using VMPlant.Tests.Support;
using Xunit;

namespace VMPlant.Tests.Actors.Domain;

public sealed class SnapshotCadenceSpec
{
    [Fact]
    public void A_small_state_snapshots_every_snapshot_every_events()
    {
        Assert.False(SnapshotCadence.IsDue(499, snapshotEvery: 500, stateWeight: 30));
        Assert.True(SnapshotCadence.IsDue(500, snapshotEvery: 500, stateWeight: 30));
    }

    [Fact]
    public void A_large_state_waits_as_many_events_as_it_weighs()
    {
        Assert.False(SnapshotCadence.IsDue(7_699, snapshotEvery: 500, stateWeight: 7_700));
        Assert.True(SnapshotCadence.IsDue(7_700, snapshotEvery: 500, stateWeight: 7_700));
    }

    [Fact]
    public void A_shop_weighs_its_full_records_and_a_tenth_of_its_compact_ones()
    {
        var spec = SpecBuilder.MpiSolver();
        var at = new DateTimeOffset(2026, 12, 2, 0, 0, 0, TimeSpan.Zero);
        // Full records for 1 s only: each later event retires the earlier requests to remembered ids.
        var state = ShopState.Empty with { Retention = ShopRetention.Default with { MaxAge = TimeSpan.FromSeconds(1) } };
        for (var i = 0; i < 40; i++)
        {
            var vm = new VmInfo($"vm-{i}", spec.Name, "a", VmState.Running, spec.Resources, "base", [], at.AddSeconds(i));
            state = state
                .Apply(new RequestAccepted($"r{i}", vm.VmId, spec, at.AddSeconds(i)))
                .Apply(new RequestAwarded($"r{i}", "a", [], []))
                .Apply(new RequestCompleted($"r{i}", vm, new CreateReport("a", "base", ["os"], [], 10, 1, [], [])) { At = at.AddSeconds(i) });
        }

        Assert.True(state.Remembered.Count >= 30, $"{state.Remembered.Count} remembered");
        Assert.Equal(state.Requests.Count + (state.Remembered.Count + state.Vms.Count) / 10, state.SnapshotWeight);
        Assert.True(state.SnapshotWeight < 40 / 2, $"weight {state.SnapshotWeight} of 40 requests, most of them remembered");
    }
}
