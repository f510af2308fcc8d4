namespace VMPlant.Actors.Domain;

/// <summary>The best image for a request and the work left: <see cref="Missing"/> in the order it must run.</summary>
public sealed record ImageMatch(
    GoldenImage Image,
    double CostToFinish,
    IReadOnlyList<DagAction> Reused,
    IReadOnlyList<DagAction> Missing);
