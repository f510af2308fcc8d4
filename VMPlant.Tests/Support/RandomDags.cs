using VMPlant.Actors.Domain;
using VMPlant.Messages;
using static VMPlant.Tests.Support.SpecBuilder;

namespace VMPlant.Tests.Support;

/// <summary>
/// Seeded random DAGs for property tests. Contents come from small pools so that DAGs often share actions:
/// each DAG starts from a prerequisite-closed part of one of a few "family" prefixes (renamed, so ids differ between DAGs),
/// then grows random extra actions.
/// </summary>
internal sealed class RandomDags(Random random, bool integerCosts)
{
    private static readonly string[] Kinds = ["install-os", "install-package", "copy-file", "run-script", "set-property"];

    private readonly List<ActionSpec[]> families = [];

    public Random Random { get; } = random;

    public int FamilyCount => families.Count;

    public void AddFamilies(int count)
    {
        for (var f = 0; f < count; f++)
            families.Add(Grow([], $"f{families.Count}", Random.Next(2, 7), $"family{families.Count}"));
    }

    /// <summary>A valid DAG from family <paramref name="family"/> with up to <paramref name="maxExtras"/> extra actions.</summary>
    public ConfigDag Next(int family, int maxExtras)
    {
        for (var attempt = 0; ; attempt++)
        {
            var tag = $"d{Random.Next(1_000_000)}";
            var prefix = RenamedClosedPart(families[family], tag);
            var actions = Grow(prefix, tag, Random.Next(0, maxExtras + 1), "extra");
            Shuffle(actions);
            try
            {
                return ConfigDag.Build(new VmSpec("random", Small, [.. actions]));
            }
            catch (SpecValidationException) when (attempt < 50)
            {
                // Two extras happened to have the same content; draw again.
            }
        }
    }

    /// <summary>A random prerequisite-closed part of <paramref name="dag"/>: some actions plus all their ancestors.</summary>
    public IReadOnlyList<DagAction> ClosedPart(ConfigDag dag)
    {
        var chosen = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<string>(dag.Actions.Where(_ => Random.NextDouble() < 0.3).Select(a => a.Id));
        while (pending.TryPop(out var id))
        {
            if (chosen.Add(id))
            {
                foreach (var prerequisite in dag[id].After)
                    pending.Push(prerequisite);
            }
        }
        return dag.InTopologicalOrder(dag.Actions.Where(a => chosen.Contains(a.Id)));
    }

    private ActionSpec[] RenamedClosedPart(ActionSpec[] family, string tag)
    {
        // Families are stored in run order, so a prefix of the array is closed; add a random closed subset of the rest too.
        var keep = new HashSet<string>(StringComparer.Ordinal);
        var cut = Random.Next(0, family.Length + 1);
        foreach (var action in family)
        {
            var wanted = Array.IndexOf(family, action) < cut || Random.NextDouble() < 0.3;
            if (wanted && action.After.All(keep.Contains))
                keep.Add(action.Id);
        }
        return family
            .Where(a => keep.Contains(a.Id))
            .Select(a => a with { Id = $"{a.Id}-{tag}", After = [.. a.After.Select(p => $"{p}-{tag}")], Cost = Cost() })
            .ToArray();
    }

    private ActionSpec[] Grow(ActionSpec[] start, string tag, int extras, string argPrefix)
    {
        var actions = start.ToList();
        for (var i = 0; i < extras; i++)
        {
            var after = actions.Where(_ => Random.NextDouble() < 0.25).Take(3).Select(a => a.Id).ToArray();
            actions.Add(Action(
                $"x{i}-{tag}",
                Kinds[Random.Next(Kinds.Length)],
                Cost(),
                after,
                Args(("v", $"{argPrefix}-{Random.Next(4)}"))));
        }
        return actions.ToArray();
    }

    public double Cost() => Random.Next(10) switch
    {
        0 => 0,
        _ when integerCosts => Random.Next(1, 200),
        _ => Math.Round(Random.NextDouble() * 200, Random.Next(4)),
    };

    private void Shuffle(ActionSpec[] actions)
    {
        for (var i = actions.Length - 1; i > 0; i--)
        {
            var j = Random.Next(i + 1);
            (actions[i], actions[j]) = (actions[j], actions[i]);
        }
    }
}
