namespace VMPlant.Actors.Domain;

/// <summary>
/// Names the cycles among the actions a topological sort could not place: one cycle per strongly connected group,
/// the shortest one through the group's first-written action, in run order ("a -> b" means b is after a).
/// </summary>
internal static class CycleFinder
{
    /// <returns>Each cycle as positions, starting and ending with the same action.</returns>
    public static IReadOnlyList<int[]> Find(ActionGraph graph, IEnumerable<int> unplaced)
    {
        var candidates = new SortedSet<int>(unplaced);
        var named = new HashSet<int>();
        var cycles = new List<int[]>();
        foreach (var start in candidates)
        {
            if (named.Contains(start) || ShortestCycleThrough(graph, start, candidates) is not { } cycle)
                continue;
            cycles.Add(cycle);
            var forward = Reachable(start, candidates, p => graph.Dependants[p]);
            var backward = Reachable(start, candidates, p => graph.Prerequisites[p]);
            named.UnionWith(forward.Intersect(backward));
        }
        return cycles;
    }

    private static int[]? ShortestCycleThrough(ActionGraph graph, int start, SortedSet<int> within)
    {
        var cameFrom = new Dictionary<int, int>();
        var queue = new Queue<int>();
        queue.Enqueue(start);
        while (queue.TryDequeue(out var current))
        {
            foreach (var next in graph.Dependants[current])
            {
                if (!within.Contains(next))
                    continue;
                if (next == start)
                    return Path(cameFrom, start, current);
                if (cameFrom.TryAdd(next, current))
                    queue.Enqueue(next);
            }
        }
        return null;
    }

    private static int[] Path(Dictionary<int, int> cameFrom, int start, int last)
    {
        var path = new List<int> { start };
        for (var p = last; p != start; p = cameFrom[p])
            path.Add(p);
        path.Add(start);
        path.Reverse();
        return path.ToArray();
    }

    private static HashSet<int> Reachable(int start, SortedSet<int> within, Func<int, int[]> next)
    {
        var seen = new HashSet<int> { start };
        var stack = new Stack<int>([start]);
        while (stack.TryPop(out var current))
        {
            foreach (var n in next(current))
            {
                if (within.Contains(n) && seen.Add(n))
                    stack.Push(n);
            }
        }
        return seen;
    }
}
