using System.Collections.Immutable;

namespace VMPlant.Actors.Domain;

/// <summary>
/// The golden images a plant can start from, indexed for matching. An inverted index maps each action identity to
/// the images holding it; a request walks the postings of its own identities, counting for each image how many of
/// its actions the request has and what they are worth. An image is usable when that count is its whole size, so a
/// match costs time in proportion to the overlap between the request and the cache, and images sharing nothing
/// with the request are never looked at. Immutable: <see cref="With"/> and <see cref="Without"/> return new indexes;
/// the postings are built once per index, on its first match.
/// </summary>
public sealed class ImageIndex
{
    private readonly ImmutableArray<GoldenImage> _images;
    private Postings? _postings;

    private ImageIndex(ImmutableArray<GoldenImage> images) => _images = images;

    public static readonly ImageIndex Empty = new(ImmutableArray<GoldenImage>.Empty);

    public int Count => _images.Length;

    public IEnumerable<GoldenImage> Images => _images;

    public ImageIndex With(GoldenImage image) =>
        new(_images.RemoveAll(i => i.ImageId == image.ImageId).Add(image));

    public ImageIndex Without(string imageId) => new(_images.RemoveAll(i => i.ImageId == imageId));

    /// <summary>
    /// The cheapest image to finish <paramref name="request"/> from, or null when no image matches (not even an empty
    /// base). Ties go to the image that reuses more actions, then to the lower image id.
    /// </summary>
    public ImageMatch? FindBest(ConfigDag request, CostModel model, double utilisation)
    {
        if (_images.IsEmpty) return null;
        var postings = _postings ?? Interlocked.CompareExchange(ref _postings, new Postings(_images), null) ?? _postings!;
        var scratch = Scratch.For(postings.Universe, request.Actions.Length);
        var stamp = scratch.NextStamp();
        var known = 0;
        foreach (var action in request.Actions)
        {
            if (!postings.IdOf.TryGetValue(action.Identity, out var id)) continue;
            scratch.Mark[id] = stamp;
            // Work saved is priced with the request's own cost estimates, not the image's.
            scratch.Cost[id] = action.Cost;
            scratch.Known[known++] = id;
        }

        var best = -1;
        var bestSaved = -1.0;
        var bestCount = -1;
        void Consider(int i, double saved, int count)
        {
            if (best < 0 || saved > bestSaved
                || (saved == bestSaved && (count > bestCount || (count == bestCount && string.CompareOrdinal(_images[i].ImageId, _images[best].ImageId) < 0))))
            {
                best = i;
                bestSaved = saved;
                bestCount = count;
            }
        }

        foreach (var i in postings.WithoutActions) Consider(i, 0, 0);
        for (var k = 0; k < known; k++)
        {
            if (postings.KeyedBy[scratch.Known[k]] is not { } candidates) continue;
            foreach (var i in candidates)
            {
                var saved = 0.0;
                var subset = true;
                foreach (var id in postings.Elements[i])
                {
                    if (scratch.Mark[id] != stamp)
                    {
                        subset = false;
                        break;
                    }
                    saved += scratch.Cost[id];
                }
                if (subset) Consider(i, saved, postings.Elements[i].Length);
            }
        }
        return best < 0 ? null : Match(_images[best], request, model, utilisation);
    }

    /// <summary>The match for one given image (which must be a subset of the request).</summary>
    public static ImageMatch Match(GoldenImage image, ConfigDag request, CostModel model, double utilisation)
    {
        var reused = new List<DagAction>(image.Actions.Count);
        var missing = new List<DagAction>(request.Actions.Length - image.Actions.Count);
        var missingWork = 0.0;
        foreach (var action in request.Actions)
        {
            if (image.Actions.Contains(action.Identity))
            {
                reused.Add(action);
            }
            else
            {
                missing.Add(action);
                missingWork += action.Cost;
            }
        }
        return new ImageMatch(image, model.CostToFinish(missingWork, utilisation), reused, missing);
    }

    /// <summary>
    /// Identities interned as dense ints; each image's identities as an int array; and each image filed under one
    /// key, its identity held by the fewest images. An image can only be a subset of a request that holds its key,
    /// so a request looks only at the images keyed by its own identities — typically few, since images built for
    /// other requests usually hold some action (an extra, a job script, another OS) that nothing else holds.
    /// </summary>
    private sealed class Postings
    {
        public Postings(ImmutableArray<GoldenImage> images)
        {
            IdOf = new Dictionary<ActionIdentity, int>();
            Elements = new int[images.Length][];
            var frequency = new List<int>();
            var withoutActions = new List<int>();
            for (var i = 0; i < images.Length; i++)
            {
                var elements = new int[images[i].Actions.Count];
                var n = 0;
                foreach (var identity in images[i].Actions)
                {
                    if (!IdOf.TryGetValue(identity, out var id))
                    {
                        IdOf[identity] = id = IdOf.Count;
                        frequency.Add(0);
                    }
                    frequency[id]++;
                    elements[n++] = id;
                }
                Elements[i] = elements;
                if (elements.Length == 0) withoutActions.Add(i);
            }
            var keyed = new List<int>?[IdOf.Count];
            for (var i = 0; i < images.Length; i++)
            {
                if (Elements[i].Length == 0) continue;
                var key = Elements[i].MinBy(id => frequency[id]);
                (keyed[key] ??= []).Add(i);
            }
            KeyedBy = keyed.Select(list => list?.ToArray()).ToArray();
            WithoutActions = [.. withoutActions];
        }

        public Dictionary<ActionIdentity, int> IdOf { get; }

        public int Universe => IdOf.Count;

        public int[][] Elements { get; }

        public int[]?[] KeyedBy { get; }

        public int[] WithoutActions { get; }
    }

    /// <summary>Per-thread marks for <see cref="FindBest"/>: an identity is in the current request when its mark is the current stamp.</summary>
    private sealed class Scratch
    {
        [ThreadStatic] private static Scratch? _current;
        private int _stamp;

        private Scratch(int universe, int actions)
        {
            Mark = new int[universe];
            Cost = new double[universe];
            Known = new int[actions];
        }

        public int[] Mark { get; }

        public double[] Cost { get; }

        public int[] Known { get; }

        public static Scratch For(int universe, int actions)
        {
            if (_current is null || _current.Mark.Length < universe || _current.Known.Length < actions)
                _current = new Scratch(Math.Max(universe, 2 * (_current?.Mark.Length ?? 64)), Math.Max(actions, 2 * (_current?.Known.Length ?? 32)));
            return _current;
        }

        public int NextStamp()
        {
            if (++_stamp == int.MaxValue)
            {
                Array.Clear(Mark);
                _stamp = 1;
            }
            return _stamp;
        }
    }
}
