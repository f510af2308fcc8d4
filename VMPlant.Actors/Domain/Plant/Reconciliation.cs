using System.Collections.Immutable;

namespace VMPlant.Actors.Domain;

/// <summary>What to do with domains and volumes the hypervisor has but the journal does not know.</summary>
public enum OrphanPolicy
{
    /// <summary>Log them and leave them alone (their capacity is not accounted for).</summary>
    Keep,
    /// <summary>Destroy and delete them: the journal is the record of what VMPlant promised.</summary>
    Remove,
}

/// <summary>
/// The differences between a plant's journal and its hypervisor after a restart, computed as pure data so the
/// plant can act on each kind explicitly and never silently drop either side.
/// </summary>
public sealed record Reconciliation(
    ImmutableArray<string> InterruptedBuilds,
    ImmutableArray<string> LostVms,
    ImmutableArray<string> LostImages,
    ImmutableArray<string> OrphanDomains,
    ImmutableArray<string> OrphanVolumes)
{
    public bool IsClean => InterruptedBuilds.IsEmpty && LostVms.IsEmpty && LostImages.IsEmpty && OrphanDomains.IsEmpty && OrphanVolumes.IsEmpty;

    public override string ToString() => string.Join("; ", new[]
    {
        ("interrupted builds", InterruptedBuilds), ("lost VMs", LostVms), ("lost images", LostImages),
        ("unknown domains", OrphanDomains), ("unknown volumes", OrphanVolumes),
    }.Where(p => !p.Item2.IsEmpty).Select(p => $"{p.Item1}: {string.Join(", ", p.Item2)}"));

    public static Reconciliation Between(PlantState journal, IReadOnlyCollection<string> domains, IReadOnlyCollection<string> volumes, string baseVolume)
    {
        var domainSet = domains.ToHashSet(StringComparer.Ordinal);
        var volumeSet = volumes.ToHashSet(StringComparer.Ordinal);
        var live = journal.Vms.Values.Where(v => v.HoldsCapacity).ToList();

        var knownVolumes = live.Select(v => v.Volume)
            .Concat(journal.Images.Values.Select(i => i.Volume))
            .Append(baseVolume)
            .ToHashSet(StringComparer.Ordinal);
        var knownDomains = live.Select(v => v.DomainName).ToHashSet(StringComparer.Ordinal);

        return new Reconciliation(
            live.Where(v => v.State == Messages.VmState.Building).Select(v => v.VmId).Order(StringComparer.Ordinal).ToImmutableArray(),
            live.Where(v => v.State == Messages.VmState.Running && !domainSet.Contains(v.DomainName)).Select(v => v.VmId).Order(StringComparer.Ordinal).ToImmutableArray(),
            journal.Images.Values.Where(i => !volumeSet.Contains(i.Volume)).Select(i => i.ImageId).Order(StringComparer.Ordinal).ToImmutableArray(),
            domains.Where(d => !knownDomains.Contains(d)).Order(StringComparer.Ordinal).ToImmutableArray(),
            // A building VM's half-made volume is cleaned with the build, not reported as an orphan.
            volumes.Where(v => !knownVolumes.Contains(v)).Order(StringComparer.Ordinal).ToImmutableArray());
    }
}
