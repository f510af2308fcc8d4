using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;

namespace VMPlant.Actors.Domain;

/// <summary>
/// A plant's golden images with their usage, under a <see cref="CachePolicy"/>. Immutable: every change returns a new
/// cache, its <see cref="Index"/> kept in step. The cache decides; the plant acts (creates volumes, deletes evicted ones)
/// and then records what it did here.
/// </summary>
public sealed class ImageCache
{
    private readonly ImmutableSortedDictionary<string, ImageUsage> usage;

    public ImageCache(CachePolicy policy)
        : this(policy, ImageIndex.Empty, ImmutableSortedDictionary.Create<string, ImageUsage>(StringComparer.Ordinal), 0)
    {
    }

    private ImageCache(CachePolicy policy, ImageIndex index, ImmutableSortedDictionary<string, ImageUsage> usage, long totalBytes)
    {
        Policy = policy ?? throw new ArgumentNullException(nameof(policy));
        Index = index;
        this.usage = usage;
        TotalBytes = totalBytes;
    }

    public CachePolicy Policy { get; }

    public ImageIndex Index { get; }

    public int Count => Index.Count;

    public long TotalBytes { get; }

    /// <summary>Ordered by ImageId (ordinal).</summary>
    public IEnumerable<GoldenImage> Images => Index.Images;

    public bool Contains(string imageId) => Index.Contains(imageId);

    public bool TryGetUsage(string imageId, out ImageUsage imageUsage) => usage.TryGetValue(imageId, out imageUsage);

    public bool TryGetImage(string imageId, [MaybeNullWhen(false)] out GoldenImage image) => Index.TryGetImage(imageId, out image);

    /// <inheritdoc cref="ImageIndex.FindBest"/>
    public ImageMatch? FindBest(ConfigDag request, CostModel model, double utilisation) =>
        Index.FindBest(request, model, utilisation);

    /// <summary>
    /// Whether the VM just built as <paramref name="built"/>, starting from <paramref name="used"/>, should become a new image:
    /// never for an empty action set or one already cached; otherwise per <see cref="CachePolicy.Publish"/>, where
    /// <see cref="PublishRule.WhenWorthIt"/> asks that the work done after cloning (<see cref="ImageMatch.MissingCost"/>)
    /// reach <see cref="CachePolicy.MinSavedCost"/>.
    /// </summary>
    public bool ShouldPublish(ConfigDag built, ImageMatch used)
    {
        ArgumentNullException.ThrowIfNull(built);
        ArgumentNullException.ThrowIfNull(used);
        if (Policy.Publish == PublishRule.Never || built.Actions.Count == 0 || Index.FindExact(built.Identities) is not null)
            return false;
        return Policy.Publish == PublishRule.Always || used.MissingCost >= Policy.MinSavedCost;
    }

    /// <summary>
    /// The core image to checkpoint while building <paramref name="built"/> from <paramref name="used"/>, or null. Only
    /// when <see cref="CachePolicy.PublishCore"/> is on and the build has a <see cref="CoreImage"/> not cached yet; only
    /// when <paramref name="used"/> holds nothing outside the core, so the disk holds exactly the core once its missing
    /// actions are done; and per <see cref="CachePolicy.Publish"/>, where <see cref="PublishRule.WhenWorthIt"/> asks that
    /// the core's work done after cloning reach <see cref="CachePolicy.MinSavedCost"/>.
    /// </summary>
    public CoreImage? CoreToCheckpoint(ConfigDag built, ImageMatch used)
    {
        ArgumentNullException.ThrowIfNull(built);
        ArgumentNullException.ThrowIfNull(used);
        if (!Policy.PublishCore || Policy.Publish == PublishRule.Never || CoreImage.Of(built) is not { } core)
            return null;
        if (!used.Image.Actions.IsSubsetOf(core.Identities) || Index.FindExact(core.Identities) is not null)
            return null;
        var workAfterClone = core.Actions.Where(a => !used.Image.Actions.Contains(a.Identity)).Sum(a => a.Cost);
        return Policy.Publish == PublishRule.Always || workAfterClone >= Policy.MinSavedCost ? core : null;
    }

    /// <summary>Adds the image with no hits, last used at its creation. An image with the same ImageId is replaced and keeps its usage.</summary>
    public ImageCache Publish(GoldenImage image)
    {
        ArgumentNullException.ThrowIfNull(image);
        var bytes = TotalBytes;
        var imageUsage = new ImageUsage(0, image.CreatedAt);
        if (Index.TryGetImage(image.ImageId, out var replaced))
        {
            bytes -= replaced.SizeBytes;
            imageUsage = usage[image.ImageId];
        }
        return new ImageCache(Policy, Index.Add(image), usage.SetItem(image.ImageId, imageUsage), checked(bytes + image.SizeBytes));
    }

    /// <summary>Counts a clone of the image. Unknown ids (e.g. an image evicted meanwhile) are ignored.</summary>
    public ImageCache RecordHit(string imageId, DateTimeOffset at)
    {
        if (!usage.TryGetValue(imageId, out var current))
            return this;
        var lastUsed = at > current.LastUsed ? at : current.LastUsed;
        return new ImageCache(Policy, Index, usage.SetItem(imageId, new ImageUsage(current.Hits + 1, lastUsed)), TotalBytes);
    }

    /// <summary>The cache without the image (after evicting it, or when its volume is gone); this cache if there is no such image.</summary>
    public ImageCache Remove(string imageId)
    {
        if (!Index.TryGetImage(imageId, out var image))
            return this;
        return new ImageCache(Policy, Index.Remove(imageId), usage.Remove(imageId), TotalBytes - image.SizeBytes);
    }

    /// <summary>Restores an image's usage as recorded earlier (a snapshot); unknown ids are ignored.</summary>
    public ImageCache WithUsage(string imageId, ImageUsage imageUsage) =>
        usage.ContainsKey(imageId) ? new ImageCache(Policy, Index, usage.SetItem(imageId, imageUsage), TotalBytes) : this;

    public ImageCache WithPolicy(CachePolicy policy) => new(policy, Index, usage, TotalBytes);

    /// <summary>
    /// The images to evict, in order, so that the cache respects <see cref="CachePolicy.MaxImages"/> and
    /// <see cref="CachePolicy.MaxBytes"/>: lowest <see cref="RetentionValue"/> first, the least recently used first
    /// among equals, then by ImageId. Base images are never chosen, so when they alone break a limit the list
    /// stops short of meeting it.
    /// </summary>
    public IReadOnlyList<GoldenImage> ChooseEvictions()
    {
        var count = Count;
        var bytes = TotalBytes;
        var chosen = new List<GoldenImage>();
        var candidates = Images
            .Where(image => !image.IsBase)
            .Select(image => (Image: image, Usage: usage[image.ImageId]))
            .OrderBy(c => RetentionValue(c.Image, c.Usage))
            .ThenBy(c => c.Usage.LastUsed)
            .ThenBy(c => c.Image.ImageId, StringComparer.Ordinal);
        foreach (var (image, _) in candidates)
        {
            if (count <= Policy.MaxImages && bytes <= Policy.MaxBytes)
                break;
            chosen.Add(image);
            count--;
            bytes -= image.SizeBytes;
        }
        return chosen;
    }

    /// <summary>
    /// What keeping an image is worth, GreedyDual-Size-Frequency style: <c>(hits + 1) × BuildCost / size</c>, the work
    /// it saves per byte, weighted by how often it is used. (Sizes below one byte count as one.)
    /// </summary>
    public static double RetentionValue(GoldenImage image, ImageUsage imageUsage)
    {
        ArgumentNullException.ThrowIfNull(image);
        return (imageUsage.Hits + 1) * image.BuildCost / Math.Max(1, image.SizeBytes);
    }
}
