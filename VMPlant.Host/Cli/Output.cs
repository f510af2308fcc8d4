using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using VMPlant.Messages;

namespace VMPlant.Host.Cli;

/// <summary>Renders shop answers for people (aligned text) or machines (JSON).</summary>
public static class Output
{
    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    public static string ToJson(object answer) => JsonSerializer.Serialize(answer, answer.GetType(), Json);

    public static string Render(object answer) => answer switch
    {
        VmCreated created => Created(created) + NextPage(created.Vm.ActionsNext, $"more actions: vmplant show {created.Vm.VmId}"),
        CreateVmFailed failed => $"error: {failed.Reason}\n{BidTable(failed.Bids, failed.Declines)}",
        EstimateResult estimate => BidTable(estimate.Bids, estimate.Declines) + NextPage(estimate.Next),
        VmInfo vm => Vm(vm) + NextPage(vm.ActionsNext, "more actions"),
        VmList list => VmTable(list) + NextPage(list.Next),
        VmDestroyed { AlreadyDestroyed: true } destroyed => $"{destroyed.VmId} was already destroyed (it was on {destroyed.Plant})",
        VmDestroyed destroyed => $"destroyed {destroyed.VmId} on {destroyed.Plant}",
        PlantList plants => PlantTable(plants) + NextPage(plants.Next),
        VmNotFound missing => $"error: no VM named {VMPlant.Messages.Specs.Excerpt.Of(missing.VmId, 80)}",
        RequestRejected rejected => $"error: {rejected.Reason}",
        _ => answer.ToString() ?? "",
    };

    /// <summary>The line that tells how to continue a page (none on the last page).</summary>
    private static string NextPage(string? next, string what = "next page") => next is null ? "" : $"\n{what}: --after {next}";

    /// <summary>Answers that mean the request did not do what was asked.</summary>
    public static bool IsRefusal(object answer) => answer is CreateVmFailed or VmNotFound or RequestRejected;

    private static string Created(VmCreated created)
    {
        var r = created.Report;
        var text = new StringBuilder()
            .AppendLine($"VM {created.Vm.VmId} is {created.Vm.State.ToString().ToLowerInvariant()} on plant {r.Plant}")
            .AppendLine($"  image reused : {r.ImageId} ({r.SkippedActionIds.Length} actions already done: {List(r.SkippedActionIds)})")
            .AppendLine($"  performed    : {r.PerformedActionIds.Length} actions: {List(r.PerformedActionIds)}")
            .AppendLine($"  cost         : {Num(r.EstimatedCost)} s estimated")
            .AppendLine($"  elapsed      : {Num(r.ElapsedMs)} ms on the plant");
        if (!r.Bids.IsEmpty || !r.Declines.IsEmpty) text.Append(BidTable(r.Bids, r.Declines));
        return text.ToString().TrimEnd();
    }

    private static string Vm(VmInfo vm)
    {
        var text = new StringBuilder()
            .AppendLine($"{vm.VmId}  ({vm.Name})")
            .AppendLine($"  state     : {vm.State.ToString().ToLowerInvariant()}")
            .AppendLine($"  plant     : {vm.Plant}")
            .AppendLine($"  owner     : {vm.Owner ?? "(anonymous)"}")
            .AppendLine($"  resources : {vm.Resources.Vcpus} vCPU, {vm.Resources.MemoryMiB} MiB, {vm.Resources.DiskGiB} GiB")
            .AppendLine($"  image     : {vm.ImageId}")
            .AppendLine($"  created   : {vm.CreatedAt:u}")
            .AppendLine($"  actions   : {string.Join(", ", vm.Actions.Select(a => $"{a.Id} ({a.Kind})"))}");
        foreach (var action in vm.Actions.Where(a => a.Output is not null))
        {
            var output = action.Output!;
            text.AppendLine($"    {action.Id}: exit {output.ExitCode}, {Num(output.Seconds)} s");
            foreach (var line in LastLines(output.Stdout, 3)) text.AppendLine($"      out | {line}");
            foreach (var line in LastLines(output.Stderr, 3)) text.AppendLine($"      err | {line}");
        }
        if (vm.Guest is { } guest)
        {
            text.AppendLine($"  guest     : ready {Num(guest.BootSeconds)} s after start");
            foreach (var fact in guest.Facts) text.AppendLine($"    {fact}");
        }
        return text.ToString().TrimEnd();
    }

    private static IEnumerable<string> LastLines(string text, int count) =>
        text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).TakeLast(count);

    private static string BidTable(IReadOnlyList<BidSummary> bids, IReadOnlyList<DeclineSummary> declines)
    {
        var rows = bids.Select(b => new[]
            {
                b.Plant, Num(b.Cost), b.ImageId, $"{b.ReusedActions}", $"{b.MissingActions}",
                $"{b.Free.Vcpus} vCPU / {b.Free.MemoryMiB} MiB / {b.Free.DiskGiB} GiB",
            })
            .Concat(declines.Select(d => new[] { d.Plant, "declined", d.Reason, "", "", "" }));
        var table = Table(["plant", "cost (s)", "image", "reused", "missing", "free"], rows);
        var learned = bids.Where(b => b.Costs is { IsEmpty: false })
            .Select(b => $"{b.Plant} action costs: " + string.Join(", ", b.Costs!.Value.Select(c => c.Learned is { } l
                ? $"{c.ActionId} {Num(l)} s {c.Source} ({c.Samples} runs; declared {Num(c.Declared)})"
                : $"{c.ActionId} {Num(c.Declared)} s declared")));
        return string.Join("\n", [table, .. learned]);
    }

    private static string VmTable(VmList list) => list.Vms.IsEmpty
        ? "no VMs"
        : Table(["vm", "name", "state", "plant", "image", "actions"],
            list.Vms.Select(vm => new[]
            {
                vm.VmId, vm.Name, vm.State.ToString().ToLowerInvariant(), vm.Plant, vm.ImageId, $"{vm.Actions.Length}",
            }));

    private static string PlantTable(PlantList list)
    {
        if (list.Plants.IsEmpty) return "no plants answered";
        var text = new StringBuilder(Table(["plant", "hypervisor", "vms", "free", "total", "images"],
            list.Plants.Select(p => new[]
            {
                p.Plant, (p.HypervisorUp ? "" : "DOWN ") + p.HypervisorUri, $"{p.Vms}",
                $"{p.Free.Vcpus} vCPU / {p.Free.MemoryMiB} MiB / {p.Free.DiskGiB} GiB",
                $"{p.Total.Vcpus} vCPU / {p.Total.MemoryMiB} MiB / {p.Total.DiskGiB} GiB",
                $"{p.Images.Length}",
            })));
        foreach (var plant in list.Plants.Where(p => !p.Images.IsEmpty))
        {
            text.AppendLine().AppendLine($"{plant.Plant} golden images:");
            foreach (var image in plant.Images)
                text.AppendLine($"  {image.ImageId}  saves {Num(image.BuildCost)} s, {image.Hits} hits: {List(image.Actions.Select(a => $"{a.Id} ({a.Kind})"))}" +
                                (image.ActionsOmitted is > 0 ? $" and {image.ActionsOmitted} more actions" : ""));
            if (plant.ImagesNext is not null) text.AppendLine($"  (more images on the next page)");
        }
        return text.ToString().TrimEnd();
    }

    private static string Table(string[] header, IEnumerable<string[]> rows)
    {
        var all = rows.Prepend(header).ToList();
        var widths = header.Select((_, i) => all.Max(r => r[i].Length)).ToArray();
        var text = new StringBuilder();
        foreach (var row in all)
            text.AppendLine(string.Join("  ", row.Select((cell, i) => cell.PadRight(widths[i]))).TrimEnd());
        return text.ToString().TrimEnd();
    }

    private static string List(IEnumerable<string> items)
    {
        var joined = string.Join(", ", items);
        return joined.Length == 0 ? "none" : joined;
    }

    private static string Num(double value) => value.ToString("0.##", CultureInfo.InvariantCulture);
}
