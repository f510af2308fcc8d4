namespace VMPlant.Actors.Domain;

/// <summary>What validation learned about a spec; the graph, order and identities are there only when it is valid.</summary>
internal sealed record SpecAnalysis(
    IReadOnlyList<SpecError> Errors,
    ActionGraph? Graph,
    int[]? Order,
    ActionIdentity[]? Identities)
{
    public bool IsValid => Errors.Count == 0;
}
