using System.Collections.Immutable;
using VMPlant.Actors.Serialization;
using VMPlant.Messages;

namespace VMPlant.Actors.Domain;

/// <summary>
/// What the plant ledger decided for one command: the ledger to keep (with transient changes, not the events), the
/// events to journal (apply each with <see cref="PlantLedger.Apply"/> once journaled), then the replies to send, the
/// build to start and the image to copy. Everything after the events happens only once they are journaled, except a
/// build marked <see cref="BuildBeforeJournaled"/>.
/// </summary>
public sealed record PlantDecision(PlantLedger Ledger)
{
    public ImmutableArray<IVmPlantEvent> Events { get; init; } = [];

    /// <summary>Answers for whoever sent the command (an award's sender also gets its build's outcome).</summary>
    public ImmutableArray<IVmPlantMessage> Replies { get; init; } = [];

    public BuildPlan? Build { get; init; }

    /// <summary>
    /// Start <see cref="Build"/> at once, while its reservation is being journaled (see
    /// <see cref="PlantRules.BuildsBeforeReservationJournaled"/>): the journal write and the build overlap.
    /// </summary>
    public bool BuildBeforeJournaled { get; init; }

    public ImageCopy? Copy { get; init; }

    /// <summary>Volumes of images evicted by <see cref="Events"/>, to delete once the eviction is journaled.</summary>
    public ImmutableDictionary<string, string> EvictedVolumes { get; init; } = ImmutableDictionary<string, string>.Empty;

    /// <summary>A line for the plant's log, when the decision is worth one.</summary>
    public string? Note { get; init; }
}

/// <summary>The ledger's answer to a destroy request.</summary>
public abstract record DestroyDecision
{
    public sealed record Refuse(IVmPlantMessage Reply) : DestroyDecision;

    /// <summary>Remove the VM's domain and disk; it holds its capacity until <see cref="VmRemoved"/> is journaled.</summary>
    public sealed record Remove(PlantVm Vm) : DestroyDecision;
}

/// <summary>The ledger's answer to a configure request: a refusal, or the plan to extend the VM with.</summary>
public abstract record ConfigureDecision
{
    public sealed record Refuse(IVmPlantMessage Reply) : ConfigureDecision;

    public sealed record Extend(BuildPlan Plan, IReadOnlyList<PerformedAction> AlreadyPerformed, VmSpec Spec) : ConfigureDecision;
}
