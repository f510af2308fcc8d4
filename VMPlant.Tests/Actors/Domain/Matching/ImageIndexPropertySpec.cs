using VMPlant.Actors.Domain;
using VMPlant.Tests.Support;
using Xunit;

namespace VMPlant.Tests.Actors.Domain.Matching;

/// <summary>Checks <see cref="ImageIndex.FindBest"/> against a plain scan of every image on hundreds of random cases.</summary>
public sealed class ImageIndexPropertySpec
{
    private static readonly DateTimeOffset Created = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private sealed record NaiveResult(GoldenImage Image, double Cost, int Reused);

    [Theory]
    [InlineData(20050101, true)]
    [InlineData(20050102, false)]
    public void FindBest_agrees_with_a_naive_scan(int seed, bool integerCosts)
    {
        var dags = new RandomDags(new Random(seed), integerCosts);
        dags.AddFamilies(4);
        var matchedSomethingBesidesBase = 0;
        for (var round = 0; round < 300; round++)
        {
            if (CheckOneCase(dags, integerCosts, round))
                matchedSomethingBesidesBase++;
        }
        // The generator must actually produce interesting caches.
        Assert.True(matchedSomethingBesidesBase > 150, $"only {matchedSomethingBesidesBase} cases reused an image");
    }

    private static bool CheckOneCase(RandomDags dags, bool integerCosts, int round)
    {
        var random = dags.Random;
        var family = random.Next(dags.FamilyCount);
        var request = dags.Next(family, maxExtras: 12);
        var images = RandomImages(dags, request, family);
        var model = new CostModel(random.Next(0, 60), random.Next(0, 300));
        var utilisation = random.NextDouble();
        var index = images.Aggregate(ImageIndex.Empty, (i, image) => i.Add(image));

        var naiveMatches = images
            .Where(image => image.Actions.All(id => request.Identities.Contains(id)))
            .Select(image => Naive(image, request, model, utilisation))
            .ToList();
        var naiveBest = naiveMatches
            .OrderBy(m => m.Cost)
            .ThenByDescending(m => m.Reused)
            .ThenBy(m => m.Image.ImageId, StringComparer.Ordinal)
            .FirstOrDefault();

        var found = index.FindBest(request, model, utilisation);

        var context = $"round {round}: request of {request.Actions.Count} actions, {images.Count} images";
        if (naiveBest is null)
        {
            Assert.True(found is null, context);
            return false;
        }
        Assert.True(found is not null, context);
        var tolerance = 1e-9 * Math.Max(1, naiveBest.Cost);
        Assert.True(Math.Abs(found.CostToFinish - naiveBest.Cost) <= tolerance,
            $"{context}: FindBest {found.Image.ImageId} costs {found.CostToFinish}, naive {naiveBest.Image.ImageId} costs {naiveBest.Cost}");
        if (integerCosts)
            Assert.Equal(naiveBest.Image.ImageId, found.Image.ImageId);
        else
            Assert.Contains(naiveMatches, m => m.Image.ImageId == found.Image.ImageId && Math.Abs(m.Cost - naiveBest.Cost) <= tolerance);

        CheckPartition(request, found);
        CheckMatchingAgrees(request, images, naiveMatches, model, utilisation);
        return !found.Image.IsBase;
    }

    private static List<GoldenImage> RandomImages(RandomDags dags, ConfigDag request, int family)
    {
        var random = dags.Random;
        var images = new List<GoldenImage>();
        if (random.NextDouble() < 0.8)
            images.Add(GoldenImage.Base("base", "base.qcow2", 1, Created));
        var count = random.Next(0, 30);
        for (var i = 0; i < count; i++)
        {
            var source = random.Next(10) switch
            {
                < 4 => request,
                < 8 => dags.Next(family, maxExtras: 8),
                _ => dags.Next(random.Next(dags.FamilyCount), maxExtras: 8),
            };
            var part = random.NextDouble() < 0.15 ? source.Actions : dags.ClosedPart(source);
            images.Add(new GoldenImage(
                $"img-{random.Next(1000):000}-{i}",
                $"vol-{i}",
                [.. part.Select(a => a.Identity)],
                part.Sum(a => a.Cost),
                random.Next(1, 1_000_000),
                Created));
        }
        return images;
    }

    private static NaiveResult Naive(GoldenImage image, ConfigDag request, CostModel model, double utilisation)
    {
        var missing = 0.0;
        var reused = 0;
        foreach (var action in request.Actions)
        {
            if (image.Actions.Contains(action.Identity))
                reused++;
            else
                missing += action.Cost;
        }
        return new NaiveResult(image, model.CloneCost + missing + model.LoadWeight * utilisation, reused);
    }

    /// <summary>Reused and missing split the request in run order; reused actions are closed under the request's edges.</summary>
    private static void CheckPartition(ConfigDag request, ImageMatch found)
    {
        Assert.Equal(request.Actions.Count, found.Reused.Count + found.Missing.Count);
        Assert.Equal(found.Reused, request.InTopologicalOrder(found.Reused));
        Assert.Equal(found.Missing, request.InTopologicalOrder(found.Missing));
        Assert.True(found.Image.Actions.SetEquals(found.Reused.Select(a => a.Identity)));

        var reusedIds = found.Reused.Select(a => a.Id).ToHashSet(StringComparer.Ordinal);
        foreach (var action in found.Reused)
            Assert.All(action.After, prerequisite => Assert.Contains(prerequisite, reusedIds));

        var done = new HashSet<string>(reusedIds, StringComparer.Ordinal);
        foreach (var action in found.Missing)
        {
            Assert.All(action.After, prerequisite => Assert.Contains(prerequisite, done));
            done.Add(action.Id);
        }
    }

    private static void CheckMatchingAgrees(
        ConfigDag request, List<GoldenImage> images, List<NaiveResult> naiveMatches, CostModel model, double utilisation)
    {
        var naiveIds = naiveMatches.Select(m => m.Image.ImageId).ToHashSet(StringComparer.Ordinal);
        foreach (var image in images)
        {
            var alone = ImageIndex.Empty.Add(image).FindBest(request, model, utilisation);
            Assert.Equal(naiveIds.Contains(image.ImageId), alone is not null);
            Assert.Equal(naiveIds.Contains(image.ImageId), image.CanServe(request));
        }
    }
}
