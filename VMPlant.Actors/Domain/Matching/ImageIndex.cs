using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;

namespace VMPlant.Actors.Domain;

/// <summary>
/// An immutable set of golden images, keyed by ImageId, that finds the cheapest image to finish a request from.
/// <see cref="Add"/> and <see cref="Remove"/> return a new index and cost O(log n); the scanning form is built on the
/// first lookup of each index value and then shared, so any number of changes between lookups costs one build.
/// </summary>
public sealed class ImageIndex
{
    private readonly ImmutableSortedDictionary<string, GoldenImage> byId;
    private readonly Lazy<CompiledImageIndex> compiled;

    private ImageIndex(ImmutableSortedDictionary<string, GoldenImage> byId)
    {
        this.byId = byId;
        compiled = new Lazy<CompiledImageIndex>(() => new CompiledImageIndex(byId.Values), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    public static ImageIndex Empty { get; } =
        new(ImmutableSortedDictionary.Create<string, GoldenImage>(StringComparer.Ordinal));

    public int Count => byId.Count;

    /// <summary>Ordered by ImageId (ordinal).</summary>
    public IEnumerable<GoldenImage> Images => byId.Values;

    public bool Contains(string imageId) => byId.ContainsKey(imageId);

    public bool TryGetImage(string imageId, [MaybeNullWhen(false)] out GoldenImage image) => byId.TryGetValue(imageId, out image);

    /// <summary>Adds the image, replacing any image with the same ImageId.</summary>
    public ImageIndex Add(GoldenImage image)
    {
        ArgumentNullException.ThrowIfNull(image);
        return new ImageIndex(byId.SetItem(image.ImageId, image));
    }

    /// <summary>The index without that image; this index if it has no such image.</summary>
    public ImageIndex Remove(string imageId)
    {
        var smaller = byId.Remove(imageId);
        return ReferenceEquals(smaller, byId) ? this : new ImageIndex(smaller);
    }

    /// <summary>
    /// The image that finishes <paramref name="request"/> cheapest, by <see cref="CostModel.CostToFinish"/>; among equal
    /// costs the one reusing more actions, then the ordinal-first ImageId. An image matches when its action set is a subset
    /// of the request's identities (see <see cref="GoldenImage"/>). <c>null</c> only if no image matches, which cannot
    /// happen while the index holds a base image.
    /// </summary>
    /// <param name="utilisation">The largest of the cpu, memory and disk fractions in use after placing the VM, 0..1.</param>
    public ImageMatch? FindBest(ConfigDag request, CostModel model, double utilisation)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(model);
        if (!(utilisation >= 0 && utilisation <= 1))
            throw new ArgumentOutOfRangeException(nameof(utilisation), utilisation, "Utilisation is a fraction from 0 to 1.");
        return byId.Count == 0 ? null : compiled.Value.FindBest(request, model, utilisation);
    }

    /// <summary>The image holding exactly these actions, if any (e.g. to avoid publishing the same image twice).</summary>
    public GoldenImage? FindExact(IReadOnlySet<ActionIdentity> actions)
    {
        ArgumentNullException.ThrowIfNull(actions);
        return byId.Count == 0 ? null : compiled.Value.FindExact(actions);
    }
}
