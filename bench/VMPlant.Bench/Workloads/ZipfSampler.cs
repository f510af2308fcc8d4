namespace VMPlant.Bench.Workloads;

/// <summary>
/// Draws ranks 0..n-1 with probability ∝ 1 / (rank + 1)^s (a Zipf law: a few items are asked for very often, most
/// rarely). The cumulative distribution is computed once; each draw is one binary search.
/// </summary>
public sealed class ZipfSampler
{
    private readonly double[] _cumulative;

    public ZipfSampler(int n, double exponent)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(n);
        if (!double.IsFinite(exponent) || exponent < 0) throw new ArgumentOutOfRangeException(nameof(exponent), "exponent must be ≥ 0");
        Exponent = exponent;
        _cumulative = new double[n];
        var sum = 0.0;
        for (var k = 0; k < n; k++)
        {
            sum += 1 / Math.Pow(k + 1, exponent);
            _cumulative[k] = sum;
        }
        for (var k = 0; k < n; k++) _cumulative[k] /= sum;
        _cumulative[n - 1] = 1;
    }

    public int Count => _cumulative.Length;

    public double Exponent { get; }

    /// <summary>The probability of <paramref name="rank"/> (0-based).</summary>
    public double Probability(int rank) => rank == 0 ? _cumulative[0] : _cumulative[rank] - _cumulative[rank - 1];

    public int Next(Random random)
    {
        var u = random.NextDouble();
        var index = Array.BinarySearch(_cumulative, u);
        // BinarySearch returns the complement of the first larger element when u is not found exactly.
        return index >= 0 ? index : Math.Min(~index, _cumulative.Length - 1);
    }
}
