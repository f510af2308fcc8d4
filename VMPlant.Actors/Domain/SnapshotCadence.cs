namespace VMPlant.Actors.Domain;

/// <summary>
/// How many events a persistent actor lets pass between snapshots: snapshot-every, or the state's weight when that is
/// more. A snapshot writes the whole state, so at a fixed spacing its cost per event grew with the state (a shop holding
/// 7,700 requests in full wrote ~57 KiB of snapshot per event at 500); spaced by the weight it stays about one full
/// record per event however much the state holds.
/// </summary>
/// <remarks>
/// The weight is the state's size in full request records (~2.4 KB each in a snapshot). Replaying an event (~0.8 KB)
/// costs about 2.5 times what loading the same bytes of snapshot does, so the tail replayed after the latest snapshot
/// (at most one spacing of events) costs at most about as much as loading the snapshot: recovery stays within about
/// twice a snapshot's load, and flat once the retention windows are full.
/// </remarks>
public static class SnapshotCadence
{
    /// <summary>Compact records (a remembered request id, a removed VM) weigh about a tenth of a full record.</summary>
    public const int CompactPerFullRecord = 10;

    public static long Spacing(int snapshotEvery, int stateWeight) => Math.Max(snapshotEvery, stateWeight);

    public static bool IsDue(long eventsSinceSnapshot, int snapshotEvery, int stateWeight) =>
        eventsSinceSnapshot >= Spacing(snapshotEvery, stateWeight);
}
