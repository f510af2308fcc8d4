using System.Collections.Immutable;
using System.Globalization;
using System.Runtime.Intrinsics;
using VMPlant.Actors.Domain;

namespace VMPlant.Benchmarks;

/// <summary>
/// The matching ImageIndex had before its inverted index, kept as the benchmarks' baseline: every image carries a
/// 256-bit signature of its identities; a request tests each image's signature (one vector AND-NOT), then checks the
/// images that pass with hash-set lookups. Linear in the cache size.
/// </summary>
public sealed class LinearScanIndex
{
    private readonly ImmutableArray<(GoldenImage Image, Vector256<ulong> Signature)> _entries;

    public LinearScanIndex(IEnumerable<GoldenImage> images) => _entries = [.. images.Select(i => (i, Signature(i.Actions)))];

    public ImageMatch? FindBest(ConfigDag request, CostModel model, double utilisation)
    {
        var signature = Signature(request.Identities);
        var costs = request.Actions.ToDictionary(a => a.Identity, a => a.Cost);
        GoldenImage? best = null;
        var bestSaved = -1.0;
        var bestCount = -1;
        foreach (var (image, imageSignature) in _entries)
        {
            if (Vector256.AndNot(imageSignature, signature) != Vector256<ulong>.Zero || !IsSubset(image.Actions, request)) continue;
            var saved = 0.0;
            foreach (var identity in image.Actions) saved += costs[identity];
            var count = image.Actions.Count;
            if (best is null || saved > bestSaved
                || (saved == bestSaved && (count > bestCount || (count == bestCount && string.CompareOrdinal(image.ImageId, best.ImageId) < 0))))
            {
                best = image;
                bestSaved = saved;
                bestCount = count;
            }
        }
        return best is null ? null : ImageMatch.Of(best, request, model, utilisation);
    }

    private static bool IsSubset(ImmutableHashSet<ActionIdentity> image, ConfigDag request)
    {
        foreach (var identity in image)
            if (!request.Identities.Contains(identity)) return false;
        return true;
    }

    private static Vector256<ulong> Signature(IEnumerable<ActionIdentity> identities)
    {
        Span<ulong> words = stackalloc ulong[4];
        foreach (var identity in identities)
        {
            var bit = byte.Parse(identity.Value.AsSpan(0, 2), NumberStyles.HexNumber);
            words[bit >> 6] |= 1UL << (bit & 63);
        }
        return Vector256.Create(words[0], words[1], words[2], words[3]);
    }
}
