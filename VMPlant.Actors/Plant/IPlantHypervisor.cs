using System.Collections.Immutable;
using VMPlant.Actors.Domain;
using VMPlant.Messages;

namespace VMPlant.Actors.Plant;

/// <summary>
/// What a plant needs from its hypervisor, in plant terms. Two backends: <see cref="PlantHypervisor"/> records actions
/// in the domain's metadata (libvirt's test driver, or any libvirt host when no guest should run), and
/// <see cref="QemuPlantHypervisor"/> boots real guests and performs every action on their disks.
/// Implementations are thread-safe: builds, copies and removals run off the actor's thread.
/// </summary>
public interface IPlantHypervisor : IDisposable
{
    string Uri { get; }

    /// <summary>Makes the hypervisor's current state durable before the plant journals or acknowledges it.</summary>
    Task CheckpointAsync();

    void Checkpoint();

    /// <summary>The host's raw size: CPUs, memory and the storage pool's capacity.</summary>
    Resources ReadHostSize();

    void EnsureBaseImage(string volume, long sizeGiB);

    /// <summary>Creates the golden image volume for a seed image; returns its size in bytes.</summary>
    long ImportSeedImage(SeedImage seed, string imageId, string baseVolume);

    /// <summary>Why this plant cannot finish a build from this match (checked at bid time), or null when it can.</summary>
    string? Refusal(ImageMatch match);

    /// <summary>The builder that turns plans into VMs on this hypervisor.</summary>
    IVmBuilder Builder(string plantName, double actionTimeScale);

    /// <summary>Copies a built VM's disk (whole, or as it stands part-way) into a golden image volume, durably.</summary>
    Task<ImageRecord> SaveImageAsync(string vmId, string imageId, ImmutableArray<PerformedAction> actions, double buildCost);

    /// <summary>Stops and removes the domain and its disks. Missing pieces are fine: removal is idempotent.</summary>
    void RemoveVm(string domainName, string vmVolume);

    void DeleteVolume(string volume);

    /// <summary>Whether the domain exists and runs (a real guest that stopped before it said it was ready did not boot).</summary>
    bool IsDomainRunning(string domainName);

    /// <summary>Domains whose VMPlant metadata names this plant.</summary>
    IReadOnlyList<string> ListManagedDomains(string plant);

    /// <summary>The pool's volumes as the journal names them (a VM's or an image's volume).</summary>
    IReadOnlyList<string> ListVolumeNames();
}

/// <summary>Builds awarded VMs and extends running ones, off the actor thread.</summary>
public interface IVmBuilder
{
    /// <param name="coreCopied">Called exactly once when the plan has a core image: with the image, or with why there is none.</param>
    Task<BuildOutcome> BuildAsync(BuildPlan plan, Action<ImageCopied> coreCopied, CancellationToken cancellation);

    /// <summary>Performs extra actions on a running VM (the configure verb).</summary>
    Task<BuildOutcome> ExtendAsync(BuildPlan plan, IReadOnlyList<PerformedAction> alreadyPerformed, CancellationToken cancellation);
}
