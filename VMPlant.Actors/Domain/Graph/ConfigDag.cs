using System.Collections.Frozen;
using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using VMPlant.Messages;

namespace VMPlant.Actors.Domain;

/// <summary>
/// A validated VM request: its actions in a deterministic run order (Kahn's algorithm; among actions ready together,
/// the one written first goes first), each with its content identity.
/// </summary>
public sealed class ConfigDag
{
    private readonly ImmutableArray<DagAction> actions;
    private readonly FrozenDictionary<string, int> positionById;
    private readonly FrozenDictionary<ActionIdentity, int> positionByIdentity;
    private MatchRequest? matchRequest;

    private ConfigDag(string name, Resources resources, ImmutableArray<DagAction> actions)
    {
        Name = name;
        Resources = resources;
        this.actions = actions;
        positionById = actions.Select((a, i) => KeyValuePair.Create(a.Id, i)).ToFrozenDictionary(StringComparer.Ordinal);
        positionByIdentity = actions.Select((a, i) => KeyValuePair.Create(a.Identity, i)).ToFrozenDictionary();
        Identities = positionByIdentity.Keys.ToFrozenSet();
        TotalCost = actions.Sum(a => a.Cost);
    }

    public string Name { get; }

    public Resources Resources { get; }

    /// <summary>Every action, in run order.</summary>
    public IReadOnlyList<DagAction> Actions => actions;

    public IReadOnlySet<ActionIdentity> Identities { get; }

    /// <summary>Seconds to perform every action on a fresh VM, summed in run order.</summary>
    public double TotalCost { get; }

    /// <exception cref="KeyNotFoundException">No action has this id.</exception>
    public DagAction this[string id] =>
        TryGetAction(id, out var action) ? action : throw new KeyNotFoundException($"VM '{Name}' has no action '{id}'.");

    public bool TryGetAction(string id, [MaybeNullWhen(false)] out DagAction action)
    {
        if (positionById.TryGetValue(id, out var position))
        {
            action = actions[position];
            return true;
        }
        action = null;
        return false;
    }

    /// <summary>Validates <paramref name="spec"/> and builds its DAG.</summary>
    /// <exception cref="SpecValidationException">With every problem found.</exception>
    public static ConfigDag Build(VmSpec spec)
    {
        var analysis = VmSpecValidator.Analyse(spec);
        if (!analysis.IsValid)
            throw new SpecValidationException(null, analysis.Errors);

        var built = analysis.Order!.Select(position =>
        {
            var action = spec.Actions[position];
            var args = (action.Args ?? ImmutableSortedDictionary<string, string>.Empty).WithComparers(StringComparer.Ordinal);
            var after = action.After.IsDefault ? [] : action.After.Distinct(StringComparer.Ordinal).ToImmutableArray();
            return new DagAction(action.Id, action.Kind, args, after, action.Cost, analysis.Identities![position]);
        });
        return new ConfigDag(spec.Name, spec.Resources, [.. built]);
    }

    /// <summary>
    /// The DAG of this VM configured further: <paramref name="more"/> may run after any existing action. The whole is
    /// validated again; existing actions keep their order and identities and come first.
    /// </summary>
    /// <exception cref="SpecValidationException">A new id is already used by this VM, or the result is not valid.</exception>
    public ConfigDag Extend(IEnumerable<ActionSpec> more)
    {
        ArgumentNullException.ThrowIfNull(more);
        var added = more.ToList();
        if (added.Count == 0)
            return this;

        var collisions = added
            .Where(a => a?.Id is not null && positionById.ContainsKey(a.Id))
            .Select(a => a.Id).Distinct(StringComparer.Ordinal)
            .Select(id => SpecError.ForAction(id, "id", $"is already an action of VM '{Name}'"))
            .ToList();
        if (collisions.Count > 0)
            throw new SpecValidationException(null, collisions);

        var current = ToSpec();
        return Build(current with { Actions = [.. current.Actions, .. added] });
    }

    /// <summary>The given actions of this DAG, duplicates dropped, in run order.</summary>
    /// <exception cref="ArgumentException">An action is not one of this DAG's.</exception>
    public IReadOnlyList<DagAction> InTopologicalOrder(IEnumerable<DagAction> subset)
    {
        ArgumentNullException.ThrowIfNull(subset);
        var positions = new SortedSet<int>();
        foreach (var action in subset)
        {
            if (action is null || !positionById.TryGetValue(action.Id, out var position) || actions[position].Identity != action.Identity)
                throw new ArgumentException($"Action '{action?.Id}' is not part of VM '{Name}'.", nameof(subset));
            positions.Add(position);
        }
        return positions.Select(p => actions[p]).ToList();
    }

    /// <summary>The named actions and everything they depend on, in run order (what a golden image of them holds).</summary>
    /// <exception cref="ArgumentException">An id is not one of this DAG's actions.</exception>
    public IReadOnlyList<DagAction> ClosureOf(IEnumerable<string> ids)
    {
        var closure = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<string>(ids);
        while (pending.TryPop(out var id))
        {
            if (!TryGetAction(id, out var action))
                throw new ArgumentException($"Action '{id}' is not part of VM '{Name}'.", nameof(ids));
            if (closure.Add(id))
                foreach (var prerequisite in action.After) pending.Push(prerequisite);
        }
        return InTopologicalOrder(actions.Where(a => closure.Contains(a.Id)));
    }

    /// <summary>The spec this DAG stands for, actions in run order.</summary>
    public VmSpec ToSpec() =>
        new(Name, Resources, [.. actions.Select(a => new ActionSpec(a.Id, a.Kind, a.Args, a.After, a.Cost))]);

    internal bool TryGetPosition(ActionIdentity identity, out int position) =>
        positionByIdentity.TryGetValue(identity, out position);

    /// <summary>What <see cref="ImageIndex"/> needs to know about this request, worked out once.</summary>
    internal MatchRequest MatchRequest => matchRequest ??= new MatchRequest(actions);
}
