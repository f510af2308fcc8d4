using VMPlant.Messages;

namespace VMPlant.Actors.Domain;

/// <summary>
/// The edges of a spec's actions by position in the spec. Built only when every action is present and ids are
/// unique; references to unknown ids and to the action itself are left out (the validator reports them).
/// </summary>
internal sealed class ActionGraph
{
    private ActionGraph(IReadOnlyList<ActionSpec> actions, int[][] prerequisites, int[][] dependants)
    {
        Actions = actions;
        Prerequisites = prerequisites;
        Dependants = dependants;
    }

    public IReadOnlyList<ActionSpec> Actions { get; }

    /// <summary>For each action, the distinct positions it must run after, in the order written.</summary>
    public int[][] Prerequisites { get; }

    /// <summary>For each action, the positions of the actions that must run after it, ascending.</summary>
    public int[][] Dependants { get; }

    public int Count => Actions.Count;

    public static ActionGraph From(IReadOnlyList<ActionSpec> actions)
    {
        var positionById = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < actions.Count; i++)
            positionById.TryAdd(actions[i].Id, i);

        var prerequisites = new int[actions.Count][];
        var dependants = Enumerable.Range(0, actions.Count).Select(_ => new List<int>()).ToArray();
        for (var i = 0; i < actions.Count; i++)
        {
            var after = actions[i].After.IsDefault ? [] : actions[i].After;
            prerequisites[i] = after
                .Select(id => id is not null && positionById.TryGetValue(id, out var p) ? p : -1)
                .Where(p => p >= 0 && p != i)
                .Distinct()
                .ToArray();
            foreach (var p in prerequisites[i])
                dependants[p].Add(i);
        }

        return new ActionGraph(actions, prerequisites, dependants.Select(d => d.ToArray()).ToArray());
    }
}
