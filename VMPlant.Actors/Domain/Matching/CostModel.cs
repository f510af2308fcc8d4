namespace VMPlant.Actors.Domain;

/// <summary>
/// How a plant prices finishing a request from an image, in seconds:
/// <c>CloneCost + (sum of the costs of the request's actions the image lacks) + LoadWeight × utilisation</c>.
/// </summary>
/// <param name="CloneCost">Seconds to clone an image and boot the clone.</param>
/// <param name="LoadWeight">Seconds added per unit of utilisation (0..1) the plant would be at after placing the VM.</param>
public sealed record CostModel(double CloneCost, double LoadWeight)
{
    public double CloneCost { get; init; } = double.IsFinite(CloneCost) && CloneCost >= 0
        ? CloneCost : throw new ArgumentOutOfRangeException(nameof(CloneCost), CloneCost, "Must be finite and non-negative.");

    public double LoadWeight { get; init; } = double.IsFinite(LoadWeight) && LoadWeight >= 0
        ? LoadWeight : throw new ArgumentOutOfRangeException(nameof(LoadWeight), LoadWeight, "Must be finite and non-negative.");

    /// <param name="missingCost">The summed costs of the actions still to perform.</param>
    /// <param name="utilisation">The largest of the cpu, memory and disk fractions in use after placing the VM, 0..1.</param>
    public double CostToFinish(double missingCost, double utilisation)
    {
        if (!(utilisation >= 0 && utilisation <= 1))
            throw new ArgumentOutOfRangeException(nameof(utilisation), utilisation, "Utilisation is a fraction from 0 to 1.");
        return CloneCost + missingCost + LoadWeight * utilisation;
    }
}
