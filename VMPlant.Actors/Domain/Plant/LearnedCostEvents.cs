using VMPlant.Actors.Serialization;

namespace VMPlant.Actors.Domain;

/// <summary>A plant measured how long an action took on it (a real plant, for each action it performed).</summary>
[EventVersion(1)]
public sealed record ActionCostLearned(string Identity, string Kind, double Seconds, DateTimeOffset At) : IVmPlantEvent;
