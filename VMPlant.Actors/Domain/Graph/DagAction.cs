using System.Collections.Immutable;

namespace VMPlant.Actors.Domain;

/// <summary>
/// An action of a validated <see cref="ConfigDag"/>, with its content <see cref="Identity"/>.
/// <see cref="After"/> lists the ids it runs after, as written (duplicates dropped).
/// Equality is by value, args and <c>after</c> lists included.
/// </summary>
public sealed record DagAction(
    string Id,
    string Kind,
    ImmutableSortedDictionary<string, string> Args,
    ImmutableArray<string> After,
    double Cost,
    ActionIdentity Identity)
{
    public bool Equals(DagAction? other) =>
        other is not null
        && string.Equals(Id, other.Id, StringComparison.Ordinal)
        && string.Equals(Kind, other.Kind, StringComparison.Ordinal)
        && Cost.Equals(other.Cost)
        && Identity == other.Identity
        && After.SequenceEqual(other.After, StringComparer.Ordinal)
        && Args.Count == other.Args.Count
        && Args.All(a => other.Args.TryGetValue(a.Key, out var v) && string.Equals(a.Value, v, StringComparison.Ordinal));

    public override int GetHashCode() => HashCode.Combine(Id, Identity);
}
