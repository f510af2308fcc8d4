using VMPlant.Bench.Workloads;
using Xunit;

namespace VMPlant.Tests.Bench.Workloads;

public sealed class ZipfSamplerSpec
{
    [Fact]
    public void Probabilities_follow_the_power_law_and_sum_to_one()
    {
        var zipf = new ZipfSampler(100, 1.0);

        Assert.Equal(1.0, Enumerable.Range(0, 100).Sum(zipf.Probability), 9);
        Assert.Equal(2.0, zipf.Probability(0) / zipf.Probability(1), 9);
        Assert.Equal(10.0, zipf.Probability(0) / zipf.Probability(9), 9);
    }

    [Fact]
    public void Draws_match_the_probabilities()
    {
        var zipf = new ZipfSampler(50, 1.1);
        var random = new Random(3);
        var counts = new int[50];
        const int draws = 200_000;
        for (var i = 0; i < draws; i++) counts[zipf.Next(random)]++;

        foreach (var rank in new[] { 0, 1, 4, 20 })
            Assert.InRange(counts[rank] / (double)draws, zipf.Probability(rank) * 0.95, zipf.Probability(rank) * 1.05);
        Assert.True(counts[0] > counts[1] && counts[1] > counts[4] && counts[4] > counts[20]);
    }

    [Fact]
    public void Exponent_zero_is_uniform()
    {
        var zipf = new ZipfSampler(4, 0);

        Assert.All(Enumerable.Range(0, 4), rank => Assert.Equal(0.25, zipf.Probability(rank), 9));
    }

    [Fact]
    public void A_generated_workload_has_a_heavy_head_and_a_long_tail()
    {
        var popularity = WorkloadGenerator.Generate(new WorkloadOptions(Seed: 5, Requests: 2000)).StackPopularity();

        Assert.True(popularity[0].Count > 5 * popularity[9].Count, $"top {popularity[0].Count}, 10th {popularity[9].Count}");
        Assert.True(popularity.Count(p => p.Count <= 8) > popularity.Count / 3, "many stacks are rare");
    }
}
