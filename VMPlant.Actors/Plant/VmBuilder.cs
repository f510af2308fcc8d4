using System.Collections.Immutable;
using System.Diagnostics;
using VMPlant.Actors.Diagnostics;
using VMPlant.Actors.Domain;
using VMPlant.Messages;

namespace VMPlant.Actors.Plant;

/// <summary>
/// Turns a <see cref="BuildPlan"/> into a running VM: copy-on-write clone of the matched image, define and start
/// the domain, then perform the missing actions in dependency order, recording each on the domain as it completes.
/// When the plan has a core image, the core's actions go first and the disk is copied into that image before the rest.
/// Runs off the actor thread; never touches actor state.
/// </summary>
public sealed class VmBuilder(PlantHypervisor hypervisor, string plantName, double actionTimeScale) : IVmBuilder
{
    /// <param name="coreCopied">Called exactly once when the plan has a core image: with the image, or with why there is none.</param>
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
        try
        {
            var diskPath = hypervisor.CloneImage(plan.Match.Image.Volume, PlantVm.VolumeOf(plan.VmId), plan.Dag.Resources.DiskGiB);
            var performed = plan.Match.Reused.Select(ToPerformed).ToList();
            hypervisor.DefineAndStart(plan.VmId, plan.Dag.Resources, diskPath, Metadata(plan, performed));
            var order = await PerformMissingAsync(plan, performed, ReportCore, cancellation);
            return await FinishAsync(plan, performed, order, clock);
        }
        catch (Exception e) when (e is not OperationCanceledException || cancellation.IsCancellationRequested)
        {
            var reason = $"building {plan.VmId} on {plantName} failed: {e.Message}";
            return new BuildOutcome.Failed(plan, reason + await CleanUpAsync(plan.VmId));
        }
        finally
        {
            if (plan.Core is { } core && !coreReported)
                coreCopied(new ImageCopied(core.ImageId, null,
                    $"core image {core.ImageId} of {plan.VmId} not saved: the build stopped before its core was done", plan.Dag.Resources.DiskGiB));
        }
    }

    /// <summary>Performs extra actions on a running VM (the configure verb).</summary>
    public async Task<BuildOutcome> ExtendAsync(BuildPlan plan, IReadOnlyList<PerformedAction> alreadyPerformed, CancellationToken cancellation)
    {
        var clock = Stopwatch.StartNew();
        try
        {
            var performed = alreadyPerformed.ToList();
            await PerformAsync(plan, plan.Match.Missing, performed, cancellation);
            return await FinishAsync(plan, performed, plan.Match.Missing, clock);
        }
        catch (Exception e) when (e is not OperationCanceledException || cancellation.IsCancellationRequested)
        {
            return new BuildOutcome.Failed(plan, $"configuring {plan.VmId} on {plantName} failed: {e.Message}");
        }
    }

    /// <summary>Performs the plan's missing actions, its core's first with the core copied right after them; returns the order used.</summary>
    private async Task<IReadOnlyList<DagAction>> PerformMissingAsync(
        BuildPlan plan, List<PerformedAction> performed, Action<ImageCopied> coreCopied, CancellationToken cancellation)
    {
        if (plan.Core is not { } core)
        {
            await PerformAsync(plan, plan.Match.Missing, performed, cancellation);
            return plan.Match.Missing;
        }
        var (coreFirst, afterwards) = core.Split(plan.Match.Missing);
        await PerformAsync(plan, coreFirst, performed, cancellation);
        coreCopied(await CopyCoreAsync(plan, core));
        await PerformAsync(plan, afterwards, performed, cancellation);
        return [.. coreFirst, .. afterwards];
    }

    /// <summary>
    /// Saves the disk, which now holds exactly the core, as the core's golden image, and makes the host durable before
    /// the plant journals it. A failure here is the image's, never the build's.
    /// </summary>
    private async Task<ImageCopied> CopyCoreAsync(BuildPlan plan, CoreImage core)
    {
        var diskGiB = plan.Dag.Resources.DiskGiB;
        try
        {
            var record = await hypervisor.SaveImageAsync(plan.VmId, core.ImageId, [.. core.Actions.Select(ToPerformed)], core.BuildCost);
            return new ImageCopied(core.ImageId, record, null, diskGiB);
        }
        catch (Exception e)
        {
            return new ImageCopied(core.ImageId, null, $"saving core image {core.ImageId} from {plan.VmId} failed: {e.Message}", diskGiB);
        }
    }

    /// <summary>Makes the host durable and reports the VM with the actions performed, in the order they ran.</summary>
    private async Task<BuildOutcome> FinishAsync(BuildPlan plan, List<PerformedAction> performed, IReadOnlyList<DagAction> order, Stopwatch clock)
    {
        RequestTrace.Mark(plan.RequestId, TracePoint.LibvirtDone);
        await hypervisor.CheckpointAsync();
        RequestTrace.Mark(plan.RequestId, TracePoint.CheckpointDone);
        var info = new VmInfo(plan.VmId, plan.Dag.Name, plantName, VmState.Running, plan.Dag.Resources,
            plan.Match.Image.ImageId, InSpecOrder(plan.Dag, performed), plan.AcceptedAt);
        return new BuildOutcome.Succeeded(plan, info, Report(plan, order, clock.Elapsed));
    }

    private async Task PerformAsync(BuildPlan plan, IReadOnlyList<DagAction> actions, List<PerformedAction> performed, CancellationToken cancellation)
    {
        foreach (var action in actions)
        {
            // The test driver runs no guest: an action is its recorded completion, optionally paced by its cost.
            if (actionTimeScale > 0)
                await Task.Delay(TimeSpan.FromSeconds(action.Cost * actionTimeScale), cancellation);
            performed.Add(ToPerformed(action));
            hypervisor.WriteMetadata(plan.VmId, Metadata(plan, performed));
        }
    }

    private CreateReport Report(BuildPlan plan, IReadOnlyList<DagAction> performed, TimeSpan elapsed) => new(
        plantName,
        plan.Match.Image.ImageId,
        performed.Select(a => a.Id).ToImmutableArray(),
        plan.Match.Reused.Select(a => a.Id).ToImmutableArray(),
        plan.Match.CostToFinish,
        elapsed.TotalMilliseconds,
        ImmutableArray<BidSummary>.Empty,
        ImmutableArray<DeclineSummary>.Empty);

    private System.Xml.Linq.XElement Metadata(BuildPlan plan, IEnumerable<PerformedAction> performed) =>
        VmMetadata.Build(plantName, plan.VmId, plan.Dag.Name, plan.RequestId, plan.Match.Image.ImageId, performed);

    private static ImmutableArray<PerformedAction> InSpecOrder(ConfigDag dag, IEnumerable<PerformedAction> performed)
    {
        var done = performed.Select(p => p.Identity).ToHashSet();
        return dag.Actions.Where(a => done.Contains(a.Identity.Value)).Select(ToPerformed).ToImmutableArray();
    }

    public static PerformedAction ToPerformed(DagAction action) => new(action.Id, action.Kind, action.Identity.Value);

    /// <summary>Removes what a failed build left; returns a note for the failure reason if that failed too.</summary>
    private async Task<string> CleanUpAsync(string vmId)
    {
        try
        {
            hypervisor.RemoveVm(vmId, PlantVm.VolumeOf(vmId));
            await hypervisor.CheckpointAsync();
            return "";
        }
        catch (Exception e)
        {
            return $" (cleanup also failed, leftovers are reconciled at restart: {e.Message})";
        }
    }
}
