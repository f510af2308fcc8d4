using Akka.Actor;
using Akka.Event;
using Akka.Persistence;
using VMPlant.Actors.Domain;

namespace VMPlant.Actors.Shop;

/// <summary>
/// Runs one empty recovery through the shop's journal and snapshot store on every shop-capable node at start-up, so
/// that the plugins are started, their tables checked and their queries prepared before this node may have to take
/// over the singleton: a failover then pays only for reading the shop's events (seconds saved on a cold node).
/// Writes nothing.
/// </summary>
public sealed class ShopJournalWarmup : UntypedPersistentActor
{
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly DateTime _started = DateTime.UtcNow;

    public ShopJournalWarmup(ShopSettings settings)
    {
        if (settings.JournalPluginId.Length > 0) JournalPluginId = settings.JournalPluginId;
        if (settings.SnapshotPluginId.Length > 0) SnapshotPluginId = settings.SnapshotPluginId;
    }

    public static Props Props(ShopSettings settings) => Akka.Actor.Props.Create(() => new ShopJournalWarmup(settings));

    // A node-specific id that is never written: its recovery reads nothing but exercises the same queries.
    public override string PersistenceId => $"{ShopSettings.PersistenceId}-warmup-{Context.System.Name}-{Self.Path.Uid}";

    protected override void OnRecover(object message)
    {
        if (message is not RecoveryCompleted) return;
        _log.Info("Shop journal ready on this node ({Elapsed:0} ms)", (DateTime.UtcNow - _started).TotalMilliseconds);
        Context.Stop(Self);
    }

    protected override void OnCommand(object message) => Unhandled(message);

    protected override void OnRecoveryFailure(Exception reason, object? message = null) =>
        _log.Warning("Shop journal warm-up failed: {Reason}; a failover to this node will start the journal cold", reason.Message);
}
