using System.Collections.Immutable;
using System.Diagnostics;
using VMPlant.Actors.Diagnostics;
using VMPlant.Actors.Domain;
using VMPlant.Libvirt.Qemu;
using VMPlant.Messages;

namespace VMPlant.Actors.Plant;

/// <summary>
/// Builds a real VM: overlay of the matched image, the missing actions performed offline on that disk (mounted on the
/// host; core actions first, then the disk is unmounted and copied into the core image, then the rest), then the
/// guest boots from a thin overlay and counts as running only when it prints its ready marker. A failing action fails
/// the build with its output; everything the build created is removed, so nothing half-built is ever published.
/// </summary>
public sealed class RealVmBuilder(QemuPlantHypervisor hypervisor, string plantName) : IVmBuilder
{
    public async Task<BuildOutcome> BuildAsync(BuildPlan plan, Action<ImageCopied> coreCopied, CancellationToken cancellation)
    {
        var clock = Stopwatch.StartNew();
        RequestTrace.Mark(plan.RequestId, TracePoint.BuildStarted);
        var coreReported = false;
        void ReportCore(ImageCopied copied)
        {
            coreReported = true;
            coreCopied(copied);
        }
        var volume = PlantVm.VolumeOf(plan.VmId);
        try
        {
            hypervisor.CloneImage(plan.Match.Image.Volume, volume, plan.Dag.Resources.DiskGiB);
            var performed = plan.Match.Reused.Select(VmBuilder.ToPerformed).ToList();
            if (plan.Core is { } core)
            {
                var (coreFirst, afterwards) = core.Split(plan.Match.Missing);
                await PerformOfflineAsync(plan, coreFirst, performed, cancellation);
                ReportCore(await CopyCoreAsync(plan, core));
                await PerformOfflineAsync(plan, afterwards, performed, cancellation);
            }
            else
            {
                await PerformOfflineAsync(plan, plan.Match.Missing, performed, cancellation);
            }
            var guest = await BootAsync(plan, volume, performed, cancellation);
            RequestTrace.Mark(plan.RequestId, TracePoint.LibvirtDone);
            RequestTrace.Mark(plan.RequestId, TracePoint.CheckpointDone);
            var info = new VmInfo(plan.VmId, plan.Dag.Name, plantName, VmState.Running, plan.Dag.Resources,
                plan.Match.Image.ImageId, InSpecOrder(plan.Dag, performed), plan.AcceptedAt, guest);
            var done = performed.Where(p => p.Output is not null).Select(p => p.Id).ToImmutableArray();
            return new BuildOutcome.Succeeded(plan, info, new CreateReport(plantName, plan.Match.Image.ImageId, done,
                plan.Match.Reused.Select(a => a.Id).ToImmutableArray(), plan.Match.CostToFinish, clock.Elapsed.TotalMilliseconds,
                ImmutableArray<BidSummary>.Empty, ImmutableArray<DeclineSummary>.Empty));
        }
        catch (Exception e) when (e is not OperationCanceledException || cancellation.IsCancellationRequested)
        {
            return new BuildOutcome.Failed(plan, $"building {plan.VmId} on {plantName} failed: {e.Message}{CleanUp(plan.VmId)}");
        }
        finally
        {
            if (plan.Core is { } core && !coreReported)
                coreCopied(new ImageCopied(core.ImageId, null,
                    $"core image {core.ImageId} of {plan.VmId} not saved: the build stopped before its core was done", plan.Dag.Resources.DiskGiB));
        }
    }

    /// <summary>
    /// Actions are performed on a disk that is not running: a real plant configures before boot, so a running VM
    /// would have to be stopped first. Refused with that reason instead.
    /// </summary>
    public Task<BuildOutcome> ExtendAsync(BuildPlan plan, IReadOnlyList<PerformedAction> alreadyPerformed, CancellationToken cancellation) =>
        Task.FromResult<BuildOutcome>(new BuildOutcome.Failed(plan,
            $"configure is not available on real plant {plantName}: actions are performed on the disk before the guest boots; create a VM from the extended spec instead"));

    /// <summary>Mounts the VM's disk, performs <paramref name="actions"/> in order, unmounts (which flushes it).</summary>
    private async Task PerformOfflineAsync(BuildPlan plan, IReadOnlyList<DagAction> actions, List<PerformedAction> performed, CancellationToken cancellation)
    {
        if (actions.Count == 0) return;
        var disk = await OfflineDisk.MountAsync(hypervisor.PoolPathOf(PlantVm.VolumeOf(plan.VmId)),
            Path.Combine(hypervisor.Real.WorkDir, plan.VmId), cancellation);
        await using (disk)
        {
            foreach (var action in actions)
            {
                var result = await hypervisor.Actions.PerformAsync(disk, action.Kind, action.Args, cancellation);
                var output = new ActionOutput(result.ExitCode, Math.Round(result.Duration.TotalSeconds, 3), result.StdoutTail, result.StderrTail);
                if (!result.Succeeded)
                    throw new ActionFailedException(
                        $"action {action.Id} ({action.Kind}) exited {result.ExitCode} after {output.Seconds:0.##} s: {HostCommand.Shorten(result.Complaint)}");
                performed.Add(VmBuilder.ToPerformed(action) with { Output = output });
            }
        }
    }

    private async Task<ImageCopied> CopyCoreAsync(BuildPlan plan, CoreImage core)
    {
        var diskGiB = plan.Dag.Resources.DiskGiB;
        try
        {
            var record = await hypervisor.SaveImageAsync(plan.VmId, core.ImageId, [.. core.Actions.Select(VmBuilder.ToPerformed)], core.BuildCost);
            return new ImageCopied(core.ImageId, record, null, diskGiB);
        }
        catch (Exception e)
        {
            return new ImageCopied(core.ImageId, null, $"saving core image {core.ImageId} from {plan.VmId} failed: {e.Message}", diskGiB);
        }
    }

    private async Task<GuestReport> BootAsync(BuildPlan plan, string volume, List<PerformedAction> performed, CancellationToken cancellation)
    {
        var metadata = VmMetadata.Build(plantName, plan.VmId, plan.Dag.Name, plan.RequestId, plan.Match.Image.ImageId, performed);
        var console = hypervisor.DefineAndStart(plan.VmId, plan.Dag.Resources, volume, metadata);
        var ready = await GuestConsole.WaitReadyAsync(console, () => hypervisor.IsDomainRunning(plan.VmId), hypervisor.Real.BootTimeout, cancellation);
        return new GuestReport(Math.Round(ready.BootTime.TotalSeconds, 3), ready.Facts, GuestConsole.Tail(console));
    }

    private static ImmutableArray<PerformedAction> InSpecOrder(ConfigDag dag, IEnumerable<PerformedAction> performed)
    {
        var byIdentity = performed.ToDictionary(p => p.Identity);
        return dag.Actions.Where(a => byIdentity.ContainsKey(a.Identity.Value)).Select(a => byIdentity[a.Identity.Value]).ToImmutableArray();
    }

    private string CleanUp(string vmId)
    {
        try
        {
            hypervisor.RemoveVm(vmId, PlantVm.VolumeOf(vmId));
            return "";
        }
        catch (Exception e)
        {
            return $" (cleanup also failed, leftovers are reconciled at restart: {e.Message})";
        }
    }
}

/// <summary>An action performed on a real VM's disk failed; the message carries its exit code and output.</summary>
public sealed class ActionFailedException(string message) : Exception(message);
