using System.Collections.Immutable;

namespace VMPlant.Actors.Domain;

/// <summary>
/// The golden images a plant can start from, indexed for matching: each image carries a 256-bit signature so that a
/// request's best match costs one vector test per image plus an exact subset check only for the few that pass.
/// Immutable: <see cref="With"/> and <see cref="Without"/> return new indexes.
/// </summary>
public sealed class ImageIndex
{
    private readonly ImmutableArray<Entry> _entries;

    private ImageIndex(ImmutableArray<Entry> entries) => _entries = entries;

    public static readonly ImageIndex Empty = new(ImmutableArray<Entry>.Empty);

    public int Count => _entries.Length;

    public IEnumerable<GoldenImage> Images => _entries.Select(e => e.Image);

    public ImageIndex With(GoldenImage image) =>
        new(_entries.RemoveAll(e => e.Image.ImageId == image.ImageId).Add(new Entry(image, ActionSignature.Of(image.Actions))));

    public ImageIndex Without(string imageId) => new(_entries.RemoveAll(e => e.Image.ImageId == imageId));

    /// <summary>
    /// The cheapest image to finish <paramref name="request"/> from, or null when no image matches (not even an empty
    /// base). Ties go to the image that reuses more actions, then to the lower image id.
    /// </summary>
    public ImageMatch? FindBest(ConfigDag request, CostModel model, double utilisation)
    {
        var signature = ActionSignature.Of(request.Identities);
        Entry? best = null;
        var bestSaved = -1.0;
        var bestCount = -1;
        foreach (var entry in _entries)
        {
            if (!entry.Signature.MayBeSubsetOf(signature) || !IsSubset(entry.Image.Actions, request)) continue;
            var saved = SavedWork(entry.Image.Actions, request);
            var count = entry.Image.Actions.Count;
            if (best is null || saved > bestSaved
                || (saved == bestSaved && (count > bestCount || (count == bestCount && string.CompareOrdinal(entry.Image.ImageId, best.Image.ImageId) < 0))))
            {
                best = entry;
                bestSaved = saved;
                bestCount = count;
            }
        }
        return best is null ? null : Match(best.Image, request, model, utilisation);
    }

    /// <summary>The match for one given image (which must be a subset of the request).</summary>
    public static ImageMatch Match(GoldenImage image, ConfigDag request, CostModel model, double utilisation)
    {
        var reused = request.Actions.Where(a => image.Actions.Contains(a.Identity)).ToList();
        var missing = request.Actions.Where(a => !image.Actions.Contains(a.Identity)).ToList();
        return new ImageMatch(image, model.CostToFinish(missing.Sum(a => a.Cost), utilisation), reused, missing);
    }

    private static bool IsSubset(ImmutableHashSet<ActionIdentity> image, ConfigDag request)
    {
        foreach (var identity in image)
            if (!request.Contains(identity)) return false;
        return true;
    }

    /// <summary>Work saved is priced with the request's own cost estimates, not the image's.</summary>
    private static double SavedWork(ImmutableHashSet<ActionIdentity> image, ConfigDag request)
    {
        var saved = 0.0;
        foreach (var identity in image) saved += request.CostOf(identity);
        return saved;
    }

    private sealed record Entry(GoldenImage Image, ActionSignature Signature);
}
