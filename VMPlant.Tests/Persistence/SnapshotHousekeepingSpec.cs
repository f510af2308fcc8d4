using Akka.Actor;
using Akka.Persistence;
using Akka.TestKit.Xunit2;
using VMPlant.Actors.Shop;
using VMPlant.Messages;
using VMPlant.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace VMPlant.Tests.Persistence;

/// <summary>Behind each snapshot the store keeps nothing older: one snapshot per actor, however long the history.</summary>
public sealed class SnapshotHousekeepingSpec(ITestOutputHelper output) : TestKit(TestConfig.ActorSpec(), output: output)
{
    [Fact]
    public void A_new_snapshot_deletes_the_older_ones()
    {
        var plant = CreateTestProbe();
        var shop = Sys.ActorOf(ShopActor.Props(TestShopSettings.Fast with { SnapshotEvery = 4 }), "shop");
        shop.Tell(new RegisterPlant("a", plant.Ref));
        // Three events a create (accepted, awarded, completed): 18 events at snapshot-every 4, four snapshots.
        for (var i = 0; i < 6; i++) ProbePlant.Create(this, shop, plant, $"req-{i}", SpecBuilder.MpiSolver($"vm{i}"));

        var store = Akka.Persistence.Persistence.Instance.Apply(Sys).SnapshotStoreFor(null);
        AwaitAssert(() =>
        {
            store.Tell(new LoadSnapshot(ShopSettings.PersistenceId, SnapshotSelectionCriteria.Latest, long.MaxValue));
            var latest = ExpectMsg<LoadSnapshotResult>().Snapshot;
            Assert.NotNull(latest);
            store.Tell(new LoadSnapshot(ShopSettings.PersistenceId, new SnapshotSelectionCriteria(latest!.Metadata.SequenceNr - 1), long.MaxValue));
            Assert.Null(ExpectMsg<LoadSnapshotResult>().Snapshot);
        }, TimeSpan.FromSeconds(10));
    }
}
