using VMPlant.Actors.Domain;
using VMPlant.Messages;

namespace VMPlant.Actors.Plant;

/// <summary>What the plant decided to do for one award: which image to start from and which actions remain.</summary>
public sealed record BuildPlan(
    string RequestId,
    string VmId,
    ConfigDag Dag,
    ImageMatch Match,
    DateTimeOffset AcceptedAt);

/// <summary>What a finished build reports back to the plant actor.</summary>
public abstract record BuildOutcome(BuildPlan Plan)
{
    public sealed record Succeeded(BuildPlan Plan, VmInfo Vm, CreateReport Report) : BuildOutcome(Plan);

    public sealed record Failed(BuildPlan Plan, string Reason) : BuildOutcome(Plan);
}
