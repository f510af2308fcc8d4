using System.Collections.Immutable;

namespace VMPlant.Actors.Domain;

/// <summary>
/// Computes every action's <see cref="ActionIdentity"/> in run order. The prerequisites hashed into an identity are the
/// transitive reduction of its <c>after</c> list: with <c>mpi</c> after <c>os</c>, "after [os, mpi]" and "after [mpi]"
/// describe the same thing and give the same identity.
/// </summary>
internal static class IdentityCalculator
{
    /// <param name="order">All positions of <paramref name="graph"/>, prerequisites first.</param>
    /// <returns>Identities by position in the spec.</returns>
    public static ActionIdentity[] Compute(ActionGraph graph, IReadOnlyList<int> order)
    {
        var words = (graph.Count + 63) / 64;
        var ancestors = new ulong[graph.Count][];
        var identities = new ActionIdentity[graph.Count];
        foreach (var position in order)
        {
            var prerequisites = graph.Prerequisites[position];
            var mine = new ulong[words];
            foreach (var p in prerequisites)
            {
                var theirs = ancestors[p];
                for (var w = 0; w < words; w++)
                    mine[w] |= theirs[w];
                mine[p >> 6] |= 1UL << (p & 63);
            }
            ancestors[position] = mine;

            var direct = prerequisites.Where(p => !prerequisites.Any(q => q != p && IsSet(ancestors[q], p)));
            var action = graph.Actions[position];
            identities[position] = ActionIdentityHasher.Compute(
                action.Kind,
                action.Args ?? ImmutableSortedDictionary<string, string>.Empty,
                direct.Select(p => identities[p]));
        }
        return identities;
    }

    private static bool IsSet(ulong[] bits, int position) => (bits[position >> 6] & (1UL << (position & 63))) != 0;
}
