using System.Collections.Immutable;

namespace VMPlant.Actors.Domain;

/// <summary>An action of a validated configuration DAG, with its content identity.</summary>
public sealed record DagAction(
    string Id,
    string Kind,
    ImmutableSortedDictionary<string, string> Args,
    ImmutableArray<string> After,
    double Cost,
    ActionIdentity Identity);
