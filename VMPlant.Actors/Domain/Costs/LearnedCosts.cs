using System.Collections.Immutable;
using VMPlant.Messages;

namespace VMPlant.Actors.Domain;

/// <summary>Measured seconds for one action identity (or, as a fallback, one action kind): a running mean.</summary>
public sealed record LearnedCost(string Key, string Kind, long Samples, double MeanSeconds);

/// <summary>
/// What a plant has learned about how long actions really take on it. Bids use a learned identity's mean, else its
/// kind's mean, else the cost the spec declared; <see cref="Explain"/> says which it was, action by action.
/// </summary>
public sealed record LearnedCosts(ImmutableDictionary<string, LearnedCost> ByIdentity, ImmutableDictionary<string, LearnedCost> ByKind)
{
    public static readonly LearnedCosts Empty = new(ImmutableDictionary<string, LearnedCost>.Empty, ImmutableDictionary<string, LearnedCost>.Empty);

    public bool IsEmpty => ByIdentity.IsEmpty && ByKind.IsEmpty;

    public LearnedCosts Record(string identity, string kind, double seconds) => new(
        ByIdentity.SetItem(identity, Updated(ByIdentity.GetValueOrDefault(identity), identity, kind, seconds)),
        ByKind.SetItem(kind, Updated(ByKind.GetValueOrDefault(kind), kind, kind, seconds)));

    /// <summary>The seconds to charge for an action: learned for its identity, else for its kind, else null (use the declared cost).</summary>
    public double? For(string identity, string kind) =>
        ByIdentity.TryGetValue(identity, out var exact) ? exact.MeanSeconds
        : ByKind.TryGetValue(kind, out var similar) ? similar.MeanSeconds
        : null;

    /// <summary>The DAG with learned costs in place of declared ones (identities do not depend on costs).</summary>
    public ConfigDag Apply(ConfigDag dag, VmSpec spec)
    {
        if (IsEmpty) return dag;
        var byId = dag.Actions.ToDictionary(a => a.Id, a => (a.Identity.Value, a.Kind));
        var costed = spec with
        {
            Actions = spec.Actions.Select(a => For(byId[a.Id].Value, byId[a.Id].Kind) is { } learned ? a with { Cost = Math.Round(learned, 3) } : a)
                .ToImmutableArray(),
        };
        return ConfigDag.Build(costed);
    }

    /// <summary>Per action of the spec: the declared cost, the learned one if any, and which one counts.</summary>
    public ImmutableArray<ActionCostSource> Explain(ConfigDag dag, VmSpec spec)
    {
        var declared = spec.Actions.ToDictionary(a => a.Id, a => a.Cost);
        return dag.Actions.Select(a => ByIdentity.TryGetValue(a.Identity.Value, out var exact)
                ? new ActionCostSource(a.Id, declared[a.Id], Math.Round(exact.MeanSeconds, 3), "learned", exact.Samples)
                : ByKind.TryGetValue(a.Kind, out var similar)
                    ? new ActionCostSource(a.Id, declared[a.Id], Math.Round(similar.MeanSeconds, 3), "learned for its kind", similar.Samples)
                    : new ActionCostSource(a.Id, declared[a.Id], null, "declared", 0))
            .ToImmutableArray();
    }

    private static LearnedCost Updated(LearnedCost? previous, string key, string kind, double seconds) => previous is null
        ? new LearnedCost(key, kind, 1, seconds)
        : previous with { Samples = previous.Samples + 1, MeanSeconds = previous.MeanSeconds + (seconds - previous.MeanSeconds) / (previous.Samples + 1) };
}
