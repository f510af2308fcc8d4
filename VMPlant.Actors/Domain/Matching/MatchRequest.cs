using System.Collections.Immutable;

namespace VMPlant.Actors.Domain;

/// <summary>A request's actions as <see cref="ImageIndex"/> scans with them: arrays in run order plus the bounds used to stop early.</summary>
internal sealed class MatchRequest
{
    public MatchRequest(ImmutableArray<DagAction> actions)
    {
        Actions = actions;
        Identities = actions.Select(a => a.Identity).ToArray();
        Costs = actions.Select(a => a.Cost).ToArray();
        Signature = BloomSignature.Of(Identities);

        var ascending = (double[])Costs.Clone();
        Array.Sort(ascending);
        LargestCostsSum = new double[ascending.Length + 1];
        for (var k = 0; k < ascending.Length; k++)
            LargestCostsSum[k + 1] = LargestCostsSum[k] + ascending[^(k + 1)];
        TotalCost = LargestCostsSum[^1];
    }

    public ImmutableArray<DagAction> Actions { get; }

    public ActionIdentity[] Identities { get; }

    public double[] Costs { get; }

    public BloomSignature Signature { get; }

    /// <summary>[k] is the sum of the k largest costs: no image of k actions can save more than that.</summary>
    public double[] LargestCostsSum { get; }

    public double TotalCost { get; }

    public int Count => Costs.Length;
}
