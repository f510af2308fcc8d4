namespace VMPlant.Actors.Serialization;

/// <summary>Marker for snapshot payloads; bound to <see cref="VmPlantSerializer"/> like events and versioned the same way.</summary>
public interface IVmPlantSnapshot;
