namespace VMPlant.Actors.Domain;

/// <summary>
/// How a request would be finished from <see cref="Image"/>: clone it, then perform <see cref="Missing"/>.
/// <see cref="Reused"/> and <see cref="Missing"/> are the request's actions, each list in run order.
/// </summary>
public sealed record ImageMatch(
    GoldenImage Image,
    double CostToFinish,
    IReadOnlyList<DagAction> Reused,
    IReadOnlyList<DagAction> Missing)
{
    /// <summary>Seconds of configuration work still to do after the clone, summed in run order.</summary>
    public double MissingCost => Missing.Sum(a => a.Cost);
}
