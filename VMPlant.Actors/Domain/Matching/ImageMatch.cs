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

    /// <summary>The match for one given image, which must hold a subset of the request's actions.</summary>
    /// <exception cref="ArgumentException">The image holds an action the request does not ask for.</exception>
    public static ImageMatch Of(GoldenImage image, ConfigDag request, CostModel model, double utilisation)
    {
        if (!image.CanServe(request))
            throw new ArgumentException($"Image '{image.ImageId}' holds actions VM '{request.Name}' does not ask for.", nameof(image));
        var reused = request.Actions.Where(a => image.Actions.Contains(a.Identity)).ToList();
        var missing = request.Actions.Where(a => !image.Actions.Contains(a.Identity)).ToList();
        return new ImageMatch(image, model.CostToFinish(missing.Sum(a => a.Cost), utilisation), reused, missing);
    }
}
