using VMPlant.Messages;

namespace VMPlant.Actors.Domain;

/// <summary>What the plant decided to do for one award: which image to start from and which actions remain.</summary>
/// <param name="Core">The core image to checkpoint part-way through the build, when the cache wants one.</param>
public sealed record BuildPlan(
    string RequestId,
    string VmId,
    ConfigDag Dag,
    ImageMatch Match,
    DateTimeOffset AcceptedAt,
    CoreImage? Core = null);

/// <summary>What a finished build reports back to the plant actor.</summary>
public abstract record BuildOutcome(BuildPlan Plan)
{
    public sealed record Succeeded(BuildPlan Plan, VmInfo Vm, CreateReport Report) : BuildOutcome(Plan);

    public sealed record Failed(BuildPlan Plan, string Reason) : BuildOutcome(Plan);
}

/// <summary>
/// What copying a VM's disk into the golden image volume <paramref name="ImageId"/> came to: the image to journal, or
/// why there is none. The plant set <paramref name="DiskGiB"/> aside when it started the copy and releases it either way.
/// </summary>
public sealed record ImageCopied(string ImageId, ImageRecord? Image, string? Error, long DiskGiB);
