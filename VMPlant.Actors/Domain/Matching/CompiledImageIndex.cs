namespace VMPlant.Actors.Domain;

/// <summary>
/// The scanning form of an <see cref="ImageIndex"/>, built once per index value and then only read (safe to share
/// between threads). Images are held largest first (by action count, then ImageId), each with its Bloom signature and
/// its actions as interned numbers, the rarest first so that a non-matching image usually fails on its first probe.
/// </summary>
internal sealed class CompiledImageIndex
{
    private readonly GoldenImage[] images;
    private readonly BloomSignature[] signatures;
    private readonly int[][] members;
    private readonly Dictionary<ActionIdentity, int> numbers = [];

    public CompiledImageIndex(IEnumerable<GoldenImage> source)
    {
        images = source
            .OrderByDescending(image => image.Actions.Count)
            .ThenBy(image => image.ImageId, StringComparer.Ordinal)
            .ToArray();
        signatures = images.Select(image => BloomSignature.Of(image.Actions)).ToArray();

        var frequency = new List<int>();
        foreach (var identity in images.SelectMany(image => image.Actions))
        {
            if (!numbers.TryGetValue(identity, out var number))
            {
                number = numbers.Count;
                numbers.Add(identity, number);
                frequency.Add(0);
            }
            frequency[number]++;
        }
        members = images
            .Select(image => image.Actions.Select(a => numbers[a]).OrderBy(n => frequency[n]).ThenBy(n => n).ToArray())
            .ToArray();
    }

    /// <summary>
    /// The matching image with the lowest cost to finish, i.e. the one saving the most of the request's work; ties go to
    /// the image reusing more actions, then to the ordinal-first ImageId. Scans images largest first and stops once even
    /// the request's costliest actions, as many as the next image holds, could not save as much as the best found.
    /// </summary>
    public ImageMatch? FindBest(ConfigDag request, CostModel model, double utilisation)
    {
        var wanted = request.MatchRequest;
        var table = new PositionTable(wanted.Count);
        for (var position = 0; position < wanted.Count; position++)
        {
            if (numbers.TryGetValue(wanted.Identities[position], out var number))
                table.Add(number, position);
        }

        var requestSignature = wanted.Signature;
        var slack = 1e-9 * Math.Max(1, wanted.TotalCost);
        var best = -1;
        var bestSaved = double.NegativeInfinity;
        for (var i = FirstWithAtMost(wanted.Count); i < images.Length; i++)
        {
            var imageMembers = members[i];
            if (best >= 0 && wanted.LargestCostsSum[imageMembers.Length] < bestSaved - slack)
                break;
            if (!signatures[i].MayBeSubsetOf(requestSignature) || Saved(imageMembers, table, wanted.Costs) is not { } saved)
                continue;
            // Images come largest first, then by ImageId, so an image saving the same found later never wins the tie.
            if (saved > bestSaved)
            {
                best = i;
                bestSaved = saved;
            }
        }
        return best < 0 ? null : Describe(images[best], members[best], table, wanted, model, utilisation);
    }

    /// <summary>The image holding exactly <paramref name="actions"/>, if any.</summary>
    public GoldenImage? FindExact(IReadOnlySet<ActionIdentity> actions)
    {
        var signature = BloomSignature.Of(actions);
        for (var i = FirstWithAtMost(actions.Count); i < images.Length && members[i].Length == actions.Count; i++)
        {
            if (signatures[i].SameAs(signature) && images[i].Actions.SetEquals(actions))
                return images[i];
        }
        return null;
    }

    /// <summary>The request's costs of the image's actions, or <c>null</c> if an action is not in the request.</summary>
    private static double? Saved(int[] imageMembers, PositionTable table, double[] costs)
    {
        var saved = 0.0;
        foreach (var number in imageMembers)
        {
            var position = table.Find(number);
            if (position < 0)
                return null;
            saved += costs[position];
        }
        return saved;
    }

    /// <summary>Splits the request into reused and missing actions, each in run order, and prices the missing ones in run order.</summary>
    private static ImageMatch Describe(
        GoldenImage image, int[] imageMembers, PositionTable table, MatchRequest wanted, CostModel model, double utilisation)
    {
        var reusedPositions = new bool[wanted.Count];
        foreach (var number in imageMembers)
            reusedPositions[table.Find(number)] = true;

        var reused = new List<DagAction>(imageMembers.Length);
        var missing = new List<DagAction>(wanted.Count - imageMembers.Length);
        var missingCost = 0.0;
        for (var position = 0; position < wanted.Count; position++)
        {
            if (reusedPositions[position])
            {
                reused.Add(wanted.Actions[position]);
            }
            else
            {
                missing.Add(wanted.Actions[position]);
                missingCost += wanted.Costs[position];
            }
        }
        return new ImageMatch(image, model.CostToFinish(missingCost, utilisation), reused, missing);
    }

    /// <summary>The first image, in scan order, holding at most <paramref name="count"/> actions.</summary>
    private int FirstWithAtMost(int count)
    {
        int low = 0, high = images.Length;
        while (low < high)
        {
            var middle = (low + high) >>> 1;
            if (members[middle].Length > count)
                low = middle + 1;
            else
                high = middle;
        }
        return low;
    }
}
