using System.Collections.Immutable;

namespace VMPlant.Actors.Domain;

/// <summary>
/// A plant's golden images with their usage, the matching index kept in step, and the cache policy: what to
/// publish and what to evict. The base image (no actions) is always present and never evicted. Immutable.
/// </summary>
public sealed class ImageCache
{
    private readonly ImmutableDictionary<string, GoldenImage> _images;
    private readonly ImmutableDictionary<string, ImageUsage> _usage;

    private ImageCache(CachePolicy policy, GoldenImage baseImage, ImmutableDictionary<string, GoldenImage> images,
        ImmutableDictionary<string, ImageUsage> usage, ImageIndex index)
    {
        Policy = policy;
        Base = baseImage;
        _images = images;
        _usage = usage;
        Index = index;
    }

    public CachePolicy Policy { get; }

    public GoldenImage Base { get; }

    /// <summary>Every image a request may start from, the base included.</summary>
    public ImageIndex Index { get; }

    /// <summary>Published images (not the base).</summary>
    public IReadOnlyCollection<GoldenImage> Images => _images.Values.ToList();

    public static ImageCache Create(CachePolicy policy, GoldenImage baseImage)
    {
        if (!baseImage.Actions.IsEmpty) throw new ArgumentException("the base image must have no actions", nameof(baseImage));
        return new ImageCache(policy, baseImage, ImmutableDictionary<string, GoldenImage>.Empty,
            ImmutableDictionary<string, ImageUsage>.Empty, ImageIndex.Empty.With(baseImage));
    }

    /// <summary>True when the build's full action set is not cached yet and the policy finds its work worth keeping.</summary>
    public bool ShouldPublish(ConfigDag built, ImageMatch used)
    {
        if (Policy.Publish == PublishRule.Never || _images.Values.Any(i => i.Actions.SetEquals(built.Identities))) return false;
        return Policy.Publish == PublishRule.Always || used.Missing.Sum(a => a.Cost) >= Policy.MinSavedCost;
    }

    public ImageCache Publish(GoldenImage image) => new(Policy, Base, _images.SetItem(image.ImageId, image),
        _usage.SetItem(image.ImageId, _usage.GetValueOrDefault(image.ImageId) ?? new ImageUsage(image.ImageId, 0, image.CreatedAt)),
        Index.With(image));

    public ImageCache RecordHit(string imageId, DateTimeOffset at) => _usage.TryGetValue(imageId, out var usage)
        ? WithUsage(usage with { Hits = usage.Hits + 1, LastUsed = at > usage.LastUsed ? at : usage.LastUsed })
        : this;

    /// <summary>Restores usage read from a snapshot.</summary>
    public ImageCache WithUsage(ImageUsage usage) =>
        _images.ContainsKey(usage.ImageId) ? new(Policy, Base, _images, _usage.SetItem(usage.ImageId, usage), Index) : this;

    public ImageCache Remove(string imageId) => imageId == Base.ImageId || !_images.ContainsKey(imageId)
        ? this
        : new(Policy, Base, _images.Remove(imageId), _usage.Remove(imageId), Index.Without(imageId));

    public long HitsOf(string imageId) => _usage.GetValueOrDefault(imageId)?.Hits ?? 0;

    public ImageUsage UsageOf(string imageId) => _usage[imageId];

    /// <summary>
    /// Images to drop so the cache fits <see cref="CachePolicy.MaxImages"/> and <see cref="CachePolicy.MaxBytes"/>:
    /// lowest value first, where value = (hits + 1) × work saved ÷ size (frequency-weighted saving per byte, as in
    /// GreedyDual-Size-Frequency), least recently used first among equals.
    /// </summary>
    public IReadOnlyList<GoldenImage> ChooseEvictions()
    {
        var count = _images.Count;
        var bytes = _images.Values.Sum(i => i.SizeBytes);
        var evictions = new List<GoldenImage>();
        foreach (var image in _images.Values
                     .OrderBy(Value)
                     .ThenBy(i => _usage[i.ImageId].LastUsed)
                     .ThenBy(i => i.ImageId, StringComparer.Ordinal))
        {
            if (count <= Policy.MaxImages && bytes <= Policy.MaxBytes) break;
            evictions.Add(image);
            count--;
            bytes -= image.SizeBytes;
        }
        return evictions;
    }

    private double Value(GoldenImage image) => (HitsOf(image.ImageId) + 1) * image.BuildCost / Math.Max(1, image.SizeBytes);
}
