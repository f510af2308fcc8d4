namespace VMPlant.Actors.Domain;

/// <summary>Kahn's algorithm; among actions ready at the same time, the one written first in the spec goes first.</summary>
internal static class TopologicalSorter
{
    /// <returns>Positions in run order. Shorter than the graph when there is a cycle: the rest are on or behind one.</returns>
    public static int[] Sort(ActionGraph graph)
    {
        var waitingFor = graph.Prerequisites.Select(p => p.Length).ToArray();
        var ready = new PriorityQueue<int, int>();
        for (var i = 0; i < graph.Count; i++)
        {
            if (waitingFor[i] == 0)
                ready.Enqueue(i, i);
        }

        var order = new List<int>(graph.Count);
        while (ready.TryDequeue(out var next, out _))
        {
            order.Add(next);
            foreach (var dependant in graph.Dependants[next])
            {
                if (--waitingFor[dependant] == 0)
                    ready.Enqueue(dependant, dependant);
            }
        }
        return order.ToArray();
    }
}
