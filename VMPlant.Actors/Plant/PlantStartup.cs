using System.Collections.Immutable;
using VMPlant.Actors.Domain;

namespace VMPlant.Actors.Plant;

/// <summary>
/// A plant's start-up, run off the actor thread: connect, size the host, make sure the base image exists, import seed
/// images, then bring the hypervisor in line with the journal (unknown leftovers by policy, interrupted builds' remains
/// removed) and make it durable. The journal side is the ledger's: <see cref="PlantLedger.Connected"/>.
/// </summary>
public static class PlantStartup
{
    public sealed record Done(IPlantHypervisor Hypervisor, Messages.Resources HostSize, ImmutableArray<ImageRecord> Seeded, Reconciliation Diff, ImmutableArray<string> Notes);

    public sealed record Failed(string Reason);

    /// <param name="ledger">The recovered ledger; the actor handles no command until this finishes, so it stays current.</param>
    public static async Task<Done> RunAsync(PlantSettings settings, PlantLedger ledger, CancellationToken stopping)
    {
        var hypervisor = PlantHypervisors.Connect(settings);
        try
        {
            var hostSize = hypervisor.ReadHostSize();
            hypervisor.EnsureBaseImage(settings.BaseImageVolume, settings.BaseImageGiB);
            var notes = ImmutableArray.CreateBuilder<string>();
            var seeded = ImmutableArray.CreateBuilder<ImageRecord>();
            foreach (var seed in ledger.SeedsToImport(settings.SeedImages))
            {
                try
                {
                    seeded.Add(seed.Record(hypervisor.ImportSeedImage(seed.Seed!, seed.ImageId, settings.BaseImageVolume), DateTimeOffset.UtcNow));
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    notes.Add($"seed image {seed.ImageId} not imported: {e.Message}");
                }
            }
            var diff = ledger.Reconcile(seeded, hypervisor.ListManagedDomains(settings.Name), hypervisor.ListVolumeNames());
            if (!diff.IsClean) notes.Add($"reconciling with its hypervisor (orphans = {settings.Orphans}): {diff}");
            foreach (var domain in diff.OrphanDomains)
                notes.Add(HandleOrphan(settings, $"domain {domain}", () => hypervisor.RemoveVm(domain, PlantVm.VolumeOf(domain))));
            foreach (var volume in diff.OrphanVolumes)
                notes.Add(HandleOrphan(settings, $"volume {volume}", () => hypervisor.DeleteVolume(volume)));
            // An interrupted build starts over from a clean slate once the actor has the ledger's events journaled.
            foreach (var vm in diff.InterruptedBuilds.Select(id => ledger.State.Vms[id]))
                hypervisor.RemoveVm(vm.DomainName, vm.Volume);
            await hypervisor.CheckpointAsync();
            stopping.ThrowIfCancellationRequested();
            return new Done(hypervisor, hostSize, seeded.ToImmutable(), diff, notes.ToImmutable());
        }
        catch
        {
            hypervisor.Dispose();
            throw;
        }
    }

    private static string HandleOrphan(PlantSettings settings, string what, Action remove)
    {
        if (settings.Orphans == OrphanPolicy.Keep)
            return $"{what} is not in the journal; kept (orphans = keep)";
        try
        {
            remove();
            return $"removed {what}, which was not in the journal";
        }
        catch (Exception e)
        {
            return $"could not remove {what}: {e.Message}";
        }
    }
}
