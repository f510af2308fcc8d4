using System.Collections.Immutable;
using VMPlant.Actors.Domain;
using VMPlant.Messages;

namespace VMPlant.Bench.Workloads;

/// <summary>
/// A request DAG and a plant cache of a given size for measuring <see cref="ImageIndex.FindBest"/>: like a busy
/// plant's cache, about 15% of the images are usable subsets of the request, half share a prefix with it but carry
/// actions it does not have, and the rest were built on other operating systems. Seeded and deterministic.
/// </summary>
public sealed class MatchingScenario
{
    private static readonly string[] Kinds = ["install-package", "copy-file", "run-script", "set-property"];

    private MatchingScenario(VmSpec spec, ConfigDag request, ImageIndex index, int usable)
    {
        Spec = spec;
        Request = request;
        Index = index;
        UsableImages = usable;
    }

    /// <summary>The request as a plant receives it (a bid builds the DAG from this).</summary>
    public VmSpec Spec { get; }

    public ConfigDag Request { get; }

    /// <summary>The cache: the base image plus the generated images.</summary>
    public ImageIndex Index { get; }

    /// <summary>Images whose action set is a subset of the request's.</summary>
    public int UsableImages { get; }

    public static readonly CostModel CostModel = new(CloneCost: 5, LoadWeight: 30);

    public static MatchingScenario Create(int images, int actions, int seed = 1)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(images);
        ArgumentOutOfRangeException.ThrowIfLessThan(actions, 1);
        var random = new Random(seed);
        var spec = RandomSpec(random, actions, "debian", "r");
        var request = ConfigDag.Build(spec);
        var others = new[] { "rocky", "ubuntu", "alma" }
            .Select(os => ConfigDag.Build(RandomSpec(random, actions, os, "o")))
            .ToList();

        var entries = ImmutableArray.CreateBuilder<GoldenImage>(images + 1);
        entries.Add(new GoldenImage("base", "base", ImmutableHashSet<ActionIdentity>.Empty, 0, 1L << 30, DateTimeOffset.UnixEpoch));
        var usable = 0;
        for (var j = 0; j < images; j++)
        {
            var kind = random.NextDouble();
            ImmutableHashSet<ActionIdentity> set;
            if (kind < 0.35)
            {
                set = ClosedSubset(random, others[random.Next(others.Count)]);
            }
            else
            {
                set = ClosedSubset(random, request);
                if (kind < 0.85)
                {
                    // Built for a sibling request: the shared part plus actions this request does not ask for.
                    var shared = set.ToList();
                    var extra = 1 + random.Next(3);
                    for (var m = 0; m < extra; m++)
                        set = set.Add(ActionIdentityHasher.Compute("install-package",
                            new Dictionary<string, string> { ["item"] = $"f{j}-{m}" }, [shared[random.Next(shared.Count)]]));
                }
                else
                {
                    usable++;
                }
            }
            entries.Add(new GoldenImage($"img-{j:D5}", $"img-{j:D5}", set, 0, 1L << 30, DateTimeOffset.UnixEpoch));
        }
        return new MatchingScenario(spec, request, entries.Aggregate(ImageIndex.Empty, (index, image) => index.Add(image)), usable);
    }

    /// <summary>An OS install followed by a random DAG of mostly chained, sometimes branching actions.</summary>
    private static VmSpec RandomSpec(Random random, int actions, string distro, string prefix)
    {
        var list = ImmutableArray.CreateBuilder<ActionSpec>(actions);
        list.Add(new ActionSpec("a0", "install-os",
            ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal, [new KeyValuePair<string, string>("distro", distro)]), [], 600));
        for (var i = 1; i < actions; i++)
        {
            var after = new HashSet<string> { random.NextDouble() < 0.6 ? $"a{i - 1}" : $"a{random.Next(i)}" };
            if (i > 2 && random.NextDouble() < 0.2) after.Add($"a{random.Next(i)}");
            list.Add(new ActionSpec($"a{i}", Kinds[random.Next(Kinds.Length)],
                ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal, [new KeyValuePair<string, string>("item", $"{prefix}{i}")]),
                [.. after.Order(StringComparer.Ordinal)], 1 + random.Next(600)));
        }
        return new VmSpec($"{distro}-scenario", new Resources(1, 512, 1), list.MoveToImmutable());
    }

    /// <summary>Random actions of the DAG with all their prerequisites: a set a real build could have produced.</summary>
    private static ImmutableHashSet<ActionIdentity> ClosedSubset(Random random, ConfigDag dag)
    {
        var target = 1 + random.Next(dag.Actions.Count);
        var chosen = new HashSet<string>(StringComparer.Ordinal);
        while (chosen.Count < target)
        {
            var pending = new Stack<string>([dag.Actions[random.Next(dag.Actions.Count)].Id]);
            while (pending.TryPop(out var id))
                if (chosen.Add(id))
                    foreach (var prerequisite in dag[id].After) pending.Push(prerequisite);
        }
        return dag.Actions.Where(a => chosen.Contains(a.Id)).Select(a => a.Identity).ToImmutableHashSet();
    }
}
