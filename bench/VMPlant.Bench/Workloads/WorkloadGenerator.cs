using System.Collections.Immutable;
using VMPlant.Messages;

namespace VMPlant.Bench.Workloads;

/// <summary>
/// Generates a grid-like request stream from <see cref="WorkloadOptions"/>: stacks (OS + family chain + solver) that
/// share prefixes, requested with Zipf popularity, plus common extras and per-user job scripts. Everything is drawn
/// from one seeded <see cref="Random"/> in a fixed order, so the same options always give the same workload.
/// </summary>
public static class WorkloadGenerator
{
    private sealed record Item(string Id, string Kind, string ArgKey, string ArgValue, double Cost);

    private sealed record Stack(
        string Key, string Name, WorkloadCatalogue.Os Os, double OsCost, IReadOnlyList<Item> Chain, Item Solver, int SizeClass);

    private sealed record ExtraItem(Item Item, bool Early);

    public static Workload Generate(WorkloadOptions options)
    {
        options.EnsureValid();
        var random = new Random(options.Seed);
        var stacks = Stacks(options, random);
        var extras = WorkloadCatalogue.Extras
            .Select(e => new ExtraItem(Draw(random, e.Step), e.Early))
            .ToList();
        Shuffle(random, extras);
        var stackPopularity = new ZipfSampler(stacks.Count, options.StackZipf);
        var extraPopularity = new ZipfSampler(extras.Count, options.ExtraZipf);

        var requests = ImmutableArray.CreateBuilder<WorkloadRequest>(options.Requests);
        for (var seq = 0; seq < options.Requests; seq++)
        {
            var stack = stacks[stackPopularity.Next(random)];
            var chosen = new List<ExtraItem>();
            if (options.MaxExtras > 0 && random.NextDouble() < options.ExtraProbability)
            {
                var count = 1 + random.Next(options.MaxExtras);
                for (var tries = 0; chosen.Count < count && tries < 8 * count; tries++)
                {
                    var extra = extras[extraPopularity.Next(random)];
                    if (!chosen.Contains(extra)) chosen.Add(extra);
                }
            }
            var jobScript = random.NextDouble() < options.UniqueScriptProbability;
            var jobCost = Math.Round(Uniform(random, WorkloadCatalogue.JobScript.MinCost, WorkloadCatalogue.JobScript.MaxCost));
            var resources = RandomResources(random, stack.SizeClass);
            var lifetime = 1 + (int)Math.Floor(-Math.Log(1 - random.NextDouble()) * options.MeanLifetime);

            var actions = ImmutableArray.CreateBuilder<ActionSpec>();
            actions.Add(Action("os", "install-os", [("distro", stack.Os.Distro), ("release", stack.Os.Release)], [], stack.OsCost));
            foreach (var extra in chosen.Where(e => e.Early)) actions.Add(Action(extra.Item, ["os"]));
            var previous = "os";
            foreach (var step in stack.Chain)
            {
                actions.Add(Action(step, [previous]));
                previous = step.Id;
            }
            actions.Add(Action(stack.Solver, [previous]));
            foreach (var extra in chosen.Where(e => !e.Early)) actions.Add(Action(extra.Item, [stack.Solver.Id]));
            if (jobScript)
                actions.Add(Action(WorkloadCatalogue.JobScript.Id, WorkloadCatalogue.JobScript.Kind,
                    [(WorkloadCatalogue.JobScript.ArgKey, $"job-{seq:D6}.sh")], [stack.Solver.Id], jobCost));

            requests.Add(new WorkloadRequest(seq, stack.Key, lifetime, new VmSpec(stack.Name, resources, actions.ToImmutable())));
        }
        return new Workload(options, requests.MoveToImmutable());
    }

    private static List<Stack> Stacks(WorkloadOptions options, Random random)
    {
        var oses = WorkloadCatalogue.Oses.Take(options.BaseOses)
            .Select(os => (Os: os, Cost: Math.Round(Uniform(random, os.MinCost, os.MaxCost))))
            .ToList();
        var families = WorkloadCatalogue.Families.Take(options.Families).Select(family =>
        {
            var chain = family.Chain.Select(step => Draw(random, step)).ToList();
            var names = family.Solvers.ToList();
            Shuffle(random, names);
            var solvers = names.Take(options.SolversPerFamily).Select(name => random.NextDouble() < 0.5
                    ? new Item("app", "run-script", "script", $"build {name} from source", Math.Round(Uniform(random, 600, 2400)))
                    : new Item("app", "install-package", "packages", name, Math.Round(Uniform(random, 60, 600))))
                .ToList();
            return (Family: family, Chain: chain, Solvers: solvers);
        }).ToList();

        var stacks = new List<Stack>();
        foreach (var (os, osCost) in oses)
            foreach (var (family, chain, solvers) in families)
                foreach (var solver in solvers)
                {
                    var app = solver.ArgValue.StartsWith("build ", StringComparison.Ordinal) ? solver.ArgValue.Split(' ')[1] : solver.ArgValue;
                    var name = $"{os.Distro}{os.Release}-{family.Name}-{app}";
                    stacks.Add(new Stack($"{os.Distro}-{os.Release}/{family.Name}/{app}", name.Length > 64 ? name[..64] : name,
                        os, osCost, chain, solver, SizeClass(random)));
                }
        // Popularity follows a random order of the stacks, not the catalogue's.
        Shuffle(random, stacks);
        return stacks;
    }

    private static int SizeClass(Random random)
    {
        var u = random.NextDouble();
        var sizes = WorkloadCatalogue.Sizes;
        for (var i = 0; i < sizes.Count; i++)
        {
            u -= sizes[i].Weight;
            if (u < 0) return i;
        }
        return sizes.Count - 1;
    }

    /// <summary>Half the time the stack's usual size, otherwise any size (so popular stacks do not skew the total demand).</summary>
    private static Resources RandomResources(Random random, int sizeClass)
    {
        var chosen = random.NextDouble() < 0.5 ? sizeClass : SizeClass(random);
        var size = WorkloadCatalogue.Sizes[chosen];
        return new Resources(size.Vcpus, size.MemoryMiB, size.DiskGiB);
    }

    private static Item Draw(Random random, WorkloadCatalogue.Step step) =>
        new(step.Id, step.Kind, step.ArgKey, step.ArgValue, Math.Round(Uniform(random, step.MinCost, step.MaxCost)));

    private static ActionSpec Action(Item item, string[] after) => Action(item.Id, item.Kind, [(item.ArgKey, item.ArgValue)], after, item.Cost);

    private static ActionSpec Action(string id, string kind, (string Key, string Value)[] args, string[] after, double cost) => new(
        id,
        kind,
        args.ToImmutableSortedDictionary(a => a.Key, a => a.Value, StringComparer.Ordinal),
        after.ToImmutableArray(),
        cost);

    private static double Uniform(Random random, double min, double max) => min + random.NextDouble() * (max - min);

    private static void Shuffle<T>(Random random, IList<T> items)
    {
        for (var i = items.Count - 1; i > 0; i--)
        {
            var j = random.Next(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }
}
