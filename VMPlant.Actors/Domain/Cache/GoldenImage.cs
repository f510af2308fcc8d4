using System.Collections.Immutable;

namespace VMPlant.Actors.Domain;

/// <summary>
/// A golden image: a disk volume on which <see cref="Actions"/> have been performed, ready to be cloned.
/// <see cref="BuildCost"/> is the sum of those actions' costs, the work a clone of it saves.
/// The base image (a bare VM) holds no actions.
/// </summary>
/// <remarks>
/// <para><b>Matching.</b> An image serves a request when its action set is a subset of the request's identities.
/// That is enough, with no look at edges, provided the image's set is closed under prerequisites (every action's
/// prerequisites are in the set too), which holds for images built from a VM's whole <see cref="ConfigDag"/>
/// (<see cref="FromDag"/>). Why: an identity hashes in its prerequisites' identities, so an image action whose identity
/// appears in the request has, in the request too, the very same prerequisites, and by induction the same ancestors.
/// So every request action that must run before an image action is in the image, and the request's missing actions
/// can all run after the clone without breaking any edge.</para>
/// </remarks>
public sealed record GoldenImage(
    string ImageId,
    string Volume,
    ImmutableHashSet<ActionIdentity> Actions,
    double BuildCost,
    long SizeBytes,
    DateTimeOffset CreatedAt)
{
    public string ImageId { get; init; } = !string.IsNullOrWhiteSpace(ImageId)
        ? ImageId : throw new ArgumentException("An image needs an id.", nameof(ImageId));

    public ImmutableHashSet<ActionIdentity> Actions { get; init; } = Actions ?? throw new ArgumentNullException(nameof(Actions));

    public double BuildCost { get; init; } = double.IsFinite(BuildCost) && BuildCost >= 0
        ? BuildCost : throw new ArgumentOutOfRangeException(nameof(BuildCost), BuildCost, "A build cost is a finite, non-negative number of seconds.");

    public long SizeBytes { get; init; } = SizeBytes >= 0
        ? SizeBytes : throw new ArgumentOutOfRangeException(nameof(SizeBytes), SizeBytes, "A size cannot be negative.");

    /// <summary>The bare VM every request can start from; never evicted.</summary>
    public bool IsBase => Actions.IsEmpty;

    /// <summary>The subset rule: see the remarks on <see cref="GoldenImage"/>.</summary>
    public bool CanServe(ConfigDag request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return Actions.All(request.Identities.Contains);
    }

    public static GoldenImage Base(string imageId, string volume, long sizeBytes, DateTimeOffset createdAt) =>
        new(imageId, volume, [], 0, sizeBytes, createdAt);

    /// <summary>An image of a VM on which every action of <paramref name="built"/> has been performed.</summary>
    public static GoldenImage FromDag(string imageId, string volume, ConfigDag built, long sizeBytes, DateTimeOffset createdAt)
    {
        ArgumentNullException.ThrowIfNull(built);
        return new GoldenImage(imageId, volume, [.. built.Identities], built.TotalCost, sizeBytes, createdAt);
    }
}
