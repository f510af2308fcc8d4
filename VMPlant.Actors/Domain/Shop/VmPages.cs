using System.Collections.Immutable;
using System.Globalization;
using VMPlant.Actors.Domain.Paging;
using VMPlant.Messages;
using VMPlant.Messages.Serialization;

namespace VMPlant.Actors.Domain;

/// <summary>
/// Pages of the shop's VM answers. A listing goes by creation time then VM id (new VMs come last, so a listing in
/// progress sees them at its end); a VM's actions go in the order performed (they are only ever appended). A VM whose
/// actions do not fit in a page is cut, with <see cref="VmInfo.ActionsNext"/> to fetch the rest through <see cref="ShowVm"/>.
/// </summary>
public static class VmPages
{
    private const string VmListing = "vms";
    private const string ActionListing = "actions";

    /// <summary>The page of <paramref name="query"/>'s matches: a <see cref="VmList"/>, or <see cref="RequestRejected"/>.</summary>
    public static IVmPlantMessage List(IEnumerable<VmInfo> vms, ListVms query, long maxBytes)
    {
        // A hand-made message may leave the filters out: no filters.
        var where = query.Where.IsDefault ? [] : query.Where;
        if ((VmQuery.Invalid(where) ?? PageLimits.Problem(query.Limit)) is { } problem) return new RequestRejected("list", problem);
        var matches = VmQuery.Filter(vms, where);
        var start = 0;
        if (query.After is { } after)
        {
            if (PageCursor.Decode(after, VmListing, 2) is not [var ticksText, var lastId] || !long.TryParse(ticksText, CultureInfo.InvariantCulture, out var ticks))
                return new RequestRejected("list", PageCursor.Problem(after, "`vmplant list`"));
            start = FirstAfter(matches, ticks, lastId);
        }
        return Pager.Take(
            matches.Skip(start), PageLimits.Items(query.Limit), maxBytes,
            (page, more) => new VmList(page) { Next = more ? ListCursor(page[^1]) : null },
            (vm, bytes) => ActionsFrom(vm, 0, int.MaxValue, bytes));
    }

    /// <summary>The VM with the page of its actions <paramref name="query"/> asks for, or <see cref="RequestRejected"/>.</summary>
    public static IVmPlantMessage Show(VmInfo vm, ShowVm query, long maxBytes)
    {
        if (PageLimits.Problem(query.Limit) is { } problem) return new RequestRejected(vm.VmId, problem);
        var start = 0;
        if (query.After is { } after)
        {
            if (PageCursor.Decode(after, ActionListing, 2) is not [var cursorVm, var indexText]
                || cursorVm != vm.VmId || !int.TryParse(indexText, CultureInfo.InvariantCulture, out start) || start < 0 || start > vm.Actions.Length)
                return new RequestRejected(vm.VmId, PageCursor.Problem(after, $"the actions of {vm.VmId}"));
        }
        return ActionsFrom(vm, start, PageLimits.Items(query.Limit), maxBytes);
    }

    /// <summary>
    /// A create's or configure's outcome that fits in <paramref name="maxBytes"/>: the VM's actions as far as they fit
    /// beside the report, the rest left to <c>show --after</c> its <see cref="VmInfo.ActionsNext"/> (a VM configured
    /// many times can outgrow a frame). Small VMs are passed as they are without measuring: a few actions, each of
    /// bounded size, always fit.
    /// </summary>
    public static VmCreated Outcome(VmCreated created, long maxBytes) =>
        created.Vm.Actions.Length <= AlwaysFittingActions || WireSize.Of(created) <= maxBytes
            ? created
            : Pager.Take(created.Vm.Actions, int.MaxValue, maxBytes, (page, more) => created with
            {
                Vm = WithActions(created.Vm, 0, page, more),
            });

    /// <summary>Actions whose outcome needs no measuring (ids, kinds and output tails are all bounded: well under a frame).</summary>
    private const int AlwaysFittingActions = 8;

    /// <summary>The VM with its actions from <paramref name="start"/>, as many as fit; <see cref="VmInfo.ActionsNext"/> when some are left.</summary>
    private static VmInfo ActionsFrom(VmInfo vm, int start, int maxActions, long maxBytes) =>
        Pager.Take(
            vm.Actions.Skip(start), maxActions, maxBytes,
            (page, more) => WithActions(vm, start, page, more));

    /// <summary>The VM carrying <paramref name="page"/>, its actions from <paramref name="start"/>, and the cursor to the rest when <paramref name="more"/>.</summary>
    private static VmInfo WithActions(VmInfo vm, int start, ImmutableArray<PerformedAction> page, bool more) =>
        vm with { Actions = page, ActionsNext = more ? PageCursor.Encode(ActionListing, vm.VmId, (start + page.Length).ToString(CultureInfo.InvariantCulture)) : null };

    private static string ListCursor(VmInfo last) =>
        PageCursor.Encode(VmListing, last.CreatedAt.UtcTicks.ToString(CultureInfo.InvariantCulture), last.VmId);

    /// <summary>Index of the first match ordered after (ticks, id) — the listing's own order, so nothing repeats or is skipped.</summary>
    private static int FirstAfter(ImmutableArray<VmInfo> ordered, long ticks, string vmId)
    {
        int low = 0, high = ordered.Length;
        while (low < high)
        {
            var mid = (low + high) / 2;
            var vm = ordered[mid];
            var order = vm.CreatedAt.UtcTicks.CompareTo(ticks);
            if (order == 0) order = string.CompareOrdinal(vm.VmId, vmId);
            if (order <= 0) low = mid + 1;
            else high = mid;
        }
        return low;
    }
}
