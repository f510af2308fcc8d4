namespace VMPlant.Messages;

/// <summary>
/// Marker for every message that may cross an actor-system boundary. The host binds this interface to
/// VMPlant's own serializer, so none of these fall back to Akka's type-named JSON.
/// </summary>
public interface IVmPlantMessage;
