using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using VMPlant.Messages;

namespace VMPlant.Actors.Domain;

/// <summary>
/// A validated configuration DAG: the spec's actions in a deterministic topological order (Kahn's algorithm,
/// ties broken by the order they were written), each with its content identity.
/// </summary>
public sealed class ConfigDag
{
    /// <summary>
    /// DAGs already built, by spec instance. A spec is immutable, so its DAG is too; in one process every plant bidding
    /// for a request (and the shop, and the award) receives the same spec instance and shares one build.
    /// </summary>
    private static readonly ConditionalWeakTable<VmSpec, ConfigDag> Built = new();

    private readonly ImmutableDictionary<string, DagAction> _byId;
    private readonly ImmutableDictionary<ActionIdentity, int> _position;

    private ConfigDag(string name, ResourceSpec resources, ImmutableArray<DagAction> ordered, ImmutableArray<ActionSpec> source)
    {
        Name = name;
        Resources = resources;
        Actions = ordered;
        Source = source;
        _byId = ordered.ToImmutableDictionary(a => a.Id, StringComparer.Ordinal);
        _position = ordered.Select((a, i) => (a.Identity, i)).ToImmutableDictionary(p => p.Identity, p => p.i);
        Identities = _position.Keys.ToImmutableHashSet();
        TotalCost = ordered.Sum(a => a.Cost);
    }

    public string Name { get; }

    public ResourceSpec Resources { get; }

    /// <summary>Every action, prerequisites first.</summary>
    public ImmutableArray<DagAction> Actions { get; }

    /// <summary>The actions as written, for extending the DAG later.</summary>
    public ImmutableArray<ActionSpec> Source { get; }

    public ImmutableHashSet<ActionIdentity> Identities { get; }

    public double TotalCost { get; }

    public DagAction this[string id] => _byId[id];

    public bool Contains(ActionIdentity identity) => _position.ContainsKey(identity);

    public double CostOf(ActionIdentity identity) => Actions[_position[identity]].Cost;

    /// <summary>Validates the spec and builds its DAG.</summary>
    /// <exception cref="SpecValidationException">The spec has problems; all of them are listed.</exception>
    public static ConfigDag Build(VmSpec spec)
    {
        if (Built.TryGetValue(spec, out var known)) return known;
        VmSpecValidator.EnsureValid(spec);
        var duplicates = new List<string>();
        var ordered = Order(spec.Actions, duplicates);
        if (duplicates.Count > 0) throw new SpecValidationException(duplicates);
        var dag = new ConfigDag(spec.Name, spec.Resources, ordered, spec.Actions);
        Built.AddOrUpdate(spec, dag);
        return dag;
    }

    /// <summary>This DAG plus more actions, which may depend on existing ones (configuring a running VM).</summary>
    public ConfigDag Extend(IEnumerable<ActionSpec> more) => Build(new VmSpec(Name, Resources, Source.AddRange(more)));

    /// <summary>The given actions in this DAG's order.</summary>
    public IReadOnlyList<DagAction> InTopologicalOrder(IEnumerable<DagAction> subset) =>
        subset.OrderBy(a => _position[a.Identity]).ToList();

    /// <summary>The named actions and everything they depend on, prerequisites first.</summary>
    public IReadOnlyList<DagAction> ClosureOf(IEnumerable<string> ids)
    {
        var closure = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<string>(ids);
        while (pending.TryPop(out var id))
        {
            if (!_byId.TryGetValue(id, out var action))
                throw new SpecValidationException($"spec '{Name}' has no action '{id}'");
            if (!closure.Add(id)) continue;
            foreach (var prerequisite in action.After) pending.Push(prerequisite);
        }
        return Actions.Where(a => closure.Contains(a.Id)).ToList();
    }

    private static ImmutableArray<DagAction> Order(ImmutableArray<ActionSpec> actions, List<string> duplicates)
    {
        var index = actions.Select((a, i) => (a.Id, i)).ToDictionary(p => p.Id, p => p.i, StringComparer.Ordinal);
        var waitingOn = actions.Select(a => a.After.IsDefault ? 0 : a.After.Distinct().Count()).ToArray();
        var dependents = actions.Select(_ => new List<int>()).ToArray();
        for (var i = 0; i < actions.Length; i++)
            foreach (var prerequisite in (actions[i].After.IsDefault ? [] : actions[i].After).Distinct())
                dependents[index[prerequisite]].Add(i);

        var ready = new PriorityQueue<int, int>();
        for (var i = 0; i < actions.Length; i++)
            if (waitingOn[i] == 0) ready.Enqueue(i, i);

        var identities = new ActionIdentity[actions.Length];
        var byIdentity = new Dictionary<ActionIdentity, string>();
        var ordered = ImmutableArray.CreateBuilder<DagAction>(actions.Length);
        while (ready.TryDequeue(out var i, out _))
        {
            var spec = actions[i];
            var after = spec.After.IsDefault ? ImmutableArray<string>.Empty : spec.After.Distinct().ToImmutableArray();
            var args = spec.Args ?? ImmutableSortedDictionary<string, string>.Empty;
            identities[i] = ActionIdentity.Of(spec.Kind, args, after.Select(p => identities[index[p]]));
            if (byIdentity.TryGetValue(identities[i], out var twin))
                duplicates.Add($"action '{spec.Id}': does the same as action '{twin}' (same kind, args and prerequisites)");
            byIdentity.TryAdd(identities[i], spec.Id);
            ordered.Add(new DagAction(spec.Id, spec.Kind, args.WithComparers(StringComparer.Ordinal), after, spec.Cost, identities[i]));
            foreach (var dependent in dependents[i])
                if (--waitingOn[dependent] == 0) ready.Enqueue(dependent, dependent);
        }
        return ordered.MoveToImmutable();
    }
}
