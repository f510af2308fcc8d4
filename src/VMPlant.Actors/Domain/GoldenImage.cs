using System.Collections.Immutable;

namespace VMPlant.Actors.Domain;

/// <summary>
/// A saved VM disk that has performed <see cref="Actions"/>. Because identities include prerequisites, an image
/// whose set is closed under its own prerequisites and is a subset of a request's identities is automatically
/// closed under the request's dependencies: that subset test is the whole partial-graph match.
/// </summary>
/// <param name="BuildCost">Seconds of work the image embodies (what it saves a request that reuses all of it).</param>
public sealed record GoldenImage(
    string ImageId,
    string Volume,
    ImmutableHashSet<ActionIdentity> Actions,
    double BuildCost,
    long SizeBytes,
    DateTimeOffset CreatedAt);
