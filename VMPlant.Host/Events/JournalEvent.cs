using System.Collections.Immutable;
using System.Globalization;
using VMPlant.Actors.Plant;
using VMPlant.Actors.Shop;
using VMPlant.Messages;

namespace VMPlant.Host.Events;

/// <summary>
/// One decision the journal holds, in words: <see cref="Source"/> is the persistence id (shop, plant-NAME),
/// <see cref="Kind"/> a short fixed word, <see cref="Text"/> a line for people, <see cref="Event"/> the event itself.
/// </summary>
public sealed record JournalEvent(DateTimeOffset At, string Source, long Sequence, string Kind, string Text, object Event)
{
    public static JournalEvent Describe(string persistenceId, long sequence, object e, DateTimeOffset at)
    {
        var plant = persistenceId.StartsWith("plant-", StringComparison.Ordinal) ? persistenceId["plant-".Length..] : persistenceId;
        var (kind, text) = e switch
        {
            RequestAccepted a => ("accepted", $"{a.RequestId}: accepted, VM {a.VmId} ({a.Spec.Name}, {a.Spec.Actions.Length} actions)"),
            RequestAwarded a => ("awarded", $"{a.RequestId}: awarded to {a.Plant} ({AuctionExplainer.WhyWinner(a.Plant, a.Bids)}); bids {Bids(a.Bids)}{Declines(a.Declines)}"),
            RequestCompleted c => ("completed", $"{c.RequestId}: {c.Vm.VmId} running on {c.Vm.Plant} from image {c.Report.ImageId}, {c.Report.PerformedActionIds.Length} actions performed"),
            RequestFailed f => ("failed", $"{f.RequestId}: failed: {f.Reason}"),
            VmConfigured c => ("configured", $"{c.RequestId}: {c.Vm.VmId} configured on {c.Vm.Plant}, performed [{string.Join(", ", c.Report.PerformedActionIds)}]"),
            VmDeleted d => ("destroyed", $"{d.VmId} destroyed"),
            VmReserved r => ("reserved", $"{plant}: reserved capacity for {r.VmId} ({r.RequestId}), building from image {r.ImageId}"),
            VmBuilt b => ("built", $"{plant}: {b.Vm.VmId} built in {b.Report.ElapsedMs.ToString("0.#", CultureInfo.InvariantCulture)} ms: performed [{string.Join(", ", b.Report.PerformedActionIds)}], reused [{string.Join(", ", b.Report.SkippedActionIds)}]"),
            VmBuildFailed f => ("build-failed", $"{plant}: {f.VmId} failed: {f.Reason}"),
            VmReconfigured r => ("reconfigured", $"{plant}: {r.Vm.VmId} performed [{string.Join(", ", r.Report.PerformedActionIds)}]"),
            VmRemoved r => ("removed", $"{plant}: {r.VmId} removed"),
            VmLost l => ("lost", $"{plant}: {l.VmId} lost: {l.Reason}"),
            ImagePublished p => ("published", $"{plant}: golden image {p.Image.ImageId} published ({p.Image.Actions.Length} actions: {string.Join(", ", p.Image.Actions.Select(x => x.Id))}; saves {Seconds(p.Image.BuildCost)}, {p.Image.Origin.ToString().ToLowerInvariant()})"),
            ImageHit h => ("image-hit", $"{plant}: image {h.ImageId} reused"),
            ImageEvicted v => ("evicted", $"{plant}: image {v.ImageId} evicted ({v.Reason})"),
            _ => (e.GetType().Name, e.GetType().Name),
        };
        return new JournalEvent(at, persistenceId, sequence, kind, text, e);
    }

    private static string Bids(ImmutableArray<BidSummary> bids) =>
        bids.IsDefaultOrEmpty ? "none" : string.Join(", ", bids.Select(b => $"{b.Plant} {Seconds(b.Cost)}"));

    private static string Declines(ImmutableArray<DeclineSummary> declines) =>
        declines.IsDefaultOrEmpty ? "" : "; declined: " + string.Join(", ", declines.Select(d => $"{d.Plant} ({d.Reason})"));

    internal static string Seconds(double seconds) => seconds.ToString("0.##", CultureInfo.InvariantCulture) + " s";
}

/// <summary>Why the shop's ranking (cheapest; ties: more free memory, more free vCPUs, name) picked the winner.</summary>
public static class AuctionExplainer
{
    /// <param name="ranked">The auction's bids, best first (as the shop records them).</param>
    public static string WhyWinner(string winner, ImmutableArray<BidSummary> ranked)
    {
        if (ranked.IsDefaultOrEmpty) return "no bids";
        var win = ranked.FirstOrDefault(b => b.Plant == winner);
        if (win is null) return "its bid is not recorded";
        var better = ranked.TakeWhile(b => b.Plant != winner).Select(b => b.Plant).ToList();
        var prefix = better.Count > 0 ? $"{string.Join(", ", better)} refused the award; " : "";
        var next = ranked.SkipWhile(b => b.Plant != winner).Skip(1).FirstOrDefault();
        if (next is null) return prefix + (ranked.Length == 1 ? "the only bid" : "the last bid left");
        if (win.Cost < next.Cost)
            return prefix + $"least work left: {JournalEvent.Seconds(win.Cost)} vs {JournalEvent.Seconds(next.Cost)} on {next.Plant}" +
                   (win.ReusedActions > 0 ? $", reusing {win.ReusedActions} actions from {win.ImageId}" : "");
        if (win.Free.MemoryMiB != next.Free.MemoryMiB)
            return prefix + $"same cost as {next.Plant}, more free memory ({win.Free.MemoryMiB} vs {next.Free.MemoryMiB} MiB)";
        if (win.Free.Vcpus != next.Free.Vcpus)
            return prefix + $"same cost and memory as {next.Plant}, more free vCPUs ({win.Free.Vcpus} vs {next.Free.Vcpus})";
        return prefix + $"tie with {next.Plant}, first by name";
    }
}
