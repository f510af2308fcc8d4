using Akka.Event;
using Akka.Persistence;
using VMPlant.Actors.Domain;
using VMPlant.Actors.Serialization;

namespace VMPlant.Actors;

/// <summary>
/// A persistent actor that snapshots every <see cref="SnapshotEvery"/> events, or further apart when its state is large
/// (<see cref="SnapshotCadence"/>), and trims its journal and its older snapshots behind each snapshot, so recovery
/// replays at most one spacing of events after the latest snapshot and the store holds one snapshot per actor, however
/// long the history.
/// </summary>
public abstract class SnapshottingActor : ReceivePersistentActor
{
    private long _lastSnapshotSequenceNr;

    protected abstract int SnapshotEvery { get; }

    /// <summary>Registers the recovery: the latest snapshot restored, the events after it applied in order, then <paramref name="completed"/>.</summary>
    protected void RecoverWith<TSnapshot>(Action<TSnapshot> restore, Action<IVmPlantEvent> apply, Action completed) where TSnapshot : IVmPlantSnapshot
    {
        Recover<SnapshotOffer>(offer =>
        {
            restore((TSnapshot)offer.Snapshot);
            _lastSnapshotSequenceNr = offer.Metadata.SequenceNr;
        });
        Recover<IVmPlantEvent>(apply);
        Recover<RecoveryCompleted>(_ => completed());
    }

    /// <summary>Registers the replies to snapshot and trim requests; <paramref name="who"/> names the actor in warnings.</summary>
    protected void HandleSnapshotHousekeeping(ILoggingAdapter log, string who)
    {
        Command<SaveSnapshotSuccess>(s =>
        {
            DeleteMessages(s.Metadata.SequenceNr);
            // With the events before it gone, an older snapshot could never be brought up to date: it is dead weight.
            DeleteSnapshots(new SnapshotSelectionCriteria(s.Metadata.SequenceNr - 1));
        });
        Command<SaveSnapshotFailure>(f => log.Warning(f.Cause, "{Who}: snapshot failed; recovery will replay more events", who));
        Command<DeleteMessagesSuccess>(_ => { });
        Command<DeleteMessagesFailure>(f => log.Warning(f.Cause, "{Who}: could not trim the journal after a snapshot", who));
        Command<DeleteSnapshotsSuccess>(_ => { });
        Command<DeleteSnapshotsFailure>(f => log.Warning(f.Cause, "{Who}: could not delete the snapshots before the latest", who));
    }

    /// <param name="stateWeight">The journaled state's size in full records (<see cref="SnapshotCadence"/>).</param>
    protected void SnapshotIfDue(Func<IVmPlantSnapshot> takeSnapshot, int stateWeight)
    {
        if (!SnapshotCadence.IsDue(LastSequenceNr - _lastSnapshotSequenceNr, SnapshotEvery, stateWeight)) return;
        _lastSnapshotSequenceNr = LastSequenceNr;
        SaveSnapshot(takeSnapshot());
    }
}
