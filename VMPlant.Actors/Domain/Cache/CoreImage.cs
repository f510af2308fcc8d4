using System.Collections.Immutable;

namespace VMPlant.Actors.Domain;

/// <summary>
/// A build's core: its costliest action that has prerequisites (the main software on top of the OS) with every action
/// it depends on. Requests that differ only in extras or job scripts share their core, so an image of it, checkpointed
/// part-way through a build, serves them where the build's whole image cannot.
/// </summary>
/// <remarks>The set is closed under prerequisites, so the subset rule of <see cref="GoldenImage"/> holds for it.</remarks>
public sealed class CoreImage
{
    private CoreImage(IReadOnlyList<DagAction> actions)
    {
        Actions = actions;
        Identities = actions.Select(a => a.Identity).ToImmutableHashSet();
        BuildCost = actions.Sum(a => a.Cost);
        ImageId = ImageIds.For(Identities);
    }

    /// <summary>The core's actions in the build's run order.</summary>
    public IReadOnlyList<DagAction> Actions { get; }

    public ImmutableHashSet<ActionIdentity> Identities { get; }

    /// <summary>Seconds of work an image of the core saves.</summary>
    public double BuildCost { get; }

    /// <summary>The id (and volume name) an image of exactly these actions gets, whichever build made it.</summary>
    public string ImageId { get; }

    /// <summary>
    /// The core of <paramref name="dag"/>; null when no action has prerequisites, or when the core is the whole request
    /// (the build's own image holds it then). Among equally costly candidates the one that runs last wins: it is never
    /// a prerequisite of the others, so when one tied candidate depends on another, the larger core is chosen.
    /// </summary>
    public static CoreImage? Of(ConfigDag dag)
    {
        ArgumentNullException.ThrowIfNull(dag);
        DagAction? costliest = null;
        foreach (var action in dag.Actions)
            if (!action.After.IsEmpty && (costliest is null || action.Cost >= costliest.Cost))
                costliest = action;
        if (costliest is null)
            return null;
        var closure = dag.ClosureOf([costliest.Id]);
        return closure.Count == dag.Actions.Count ? null : new CoreImage(closure);
    }

    /// <summary>
    /// Splits a build's missing actions (in run order) into the core's, to perform first, and the rest. Performing the
    /// first list, then the second, is a valid order: the core is closed under prerequisites, and each list keeps run order.
    /// </summary>
    public (IReadOnlyList<DagAction> CoreFirst, IReadOnlyList<DagAction> Afterwards) Split(IReadOnlyList<DagAction> missing)
    {
        ArgumentNullException.ThrowIfNull(missing);
        return ([.. missing.Where(a => Identities.Contains(a.Identity))], [.. missing.Where(a => !Identities.Contains(a.Identity))]);
    }
}
