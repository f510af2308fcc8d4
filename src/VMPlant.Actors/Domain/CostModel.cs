namespace VMPlant.Actors.Domain;

/// <summary>
/// Cost to finish a request from an image: <see cref="CloneCost"/> + the request's cost of every action the image
/// lacks + <see cref="LoadWeight"/> × utilisation (the largest resource share in use after placement, 0..1), which
/// steers equal matches towards emptier hosts.
/// </summary>
public sealed record CostModel(double CloneCost, double LoadWeight)
{
    public double CostToFinish(double missingWork, double utilisation) => CloneCost + missingWork + LoadWeight * Math.Clamp(utilisation, 0, 1);
}
