namespace VMPlant.Actors.Serialization;

/// <summary>
/// Marker for journaled events. Bound to <see cref="VmPlantSerializer"/>; the manifest carries the event's
/// schema version (see <see cref="EventVersionAttribute"/>) so old journals replay after events evolve.
/// </summary>
public interface IVmPlantEvent;

/// <summary>Schema version of an event type; bump it when a field changes meaning and register an upcaster.</summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class EventVersionAttribute(int version) : Attribute
{
    public int Version { get; } = version;
}
