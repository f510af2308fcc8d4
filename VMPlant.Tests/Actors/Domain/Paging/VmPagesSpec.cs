using System.Collections.Immutable;
using VMPlant.Actors.Domain;
using VMPlant.Messages;
using Xunit;
using static VMPlant.Tests.Actors.Domain.Paging.PagingSamples;

namespace VMPlant.Tests.Actors.Domain.Paging;

/// <summary>Listing VMs and showing a VM's actions page by page: stable order, nothing skipped or repeated, bytes bounded.</summary>
public sealed class VmPagesSpec
{
    private const long Budget = 16_000;

    private static async Task<ImmutableArray<string>> ListedIds(PureNode node, ListVms query) =>
        Assert.IsType<VmList>(await PageFetcher.AllAsync(query, node.Ask)).Vms.Select(v => v.VmId).ToImmutableArray();

    [Fact]
    public async Task Pages_follow_creation_time_then_id_and_end_with_no_cursor()
    {
        var node = new PureNode(Budget);
        // Shuffled, with creation times shared by several VMs: the id breaks ties.
        node.Vms.AddRange(Enumerable.Range(0, 60).Select(n => Vm(n, Epoch.AddSeconds(n / 4))).OrderBy(v => v.VmId.GetHashCode()));

        var first = Assert.IsType<VmList>(await node.Ask(new ListVms([]) { Limit = 7 }));
        Assert.Equal(7, first.Vms.Length);
        Assert.NotNull(first.Next);

        var all = await ListedIds(node, new ListVms([]) { Limit = 7 });
        Assert.Equal(Enumerable.Range(0, 60).Select(n => $"vm-{n:D6}"), all);
        Assert.Equal(1 + 9, node.Asked.Count); // the first page asked alone, then 60 / 7 rounded up
        var last = Assert.IsType<VmList>(await node.Ask(new ListVms([]) { Limit = 7, After = first.Next }));
        Assert.Equal(all.Skip(7).Take(7), last.Vms.Select(v => v.VmId));
    }

    [Fact]
    public async Task A_listing_in_progress_while_vms_are_created_skips_and_repeats_nothing()
    {
        var node = new PureNode(Budget);
        node.Vms.AddRange(Enumerable.Range(0, 300).Select(n => Vm(n)));
        var next = 1000;
        // After every page: three VMs created now (after all others), one stamped in the past (a clock behind).
        node.AfterEachPage = () =>
        {
            for (var i = 0; i < 3; i++, next++) node.Vms.Add(Vm(next, Epoch.AddHours(1).AddSeconds(next)));
            node.Vms.Add(Vm(next++, Epoch.AddSeconds(-1)));
        };

        var listed = await ListedIds(node, new ListVms([]) { Limit = 13 });

        Assert.Equal(listed.Length, listed.Distinct().Count());
        Assert.Subset(listed.ToHashSet(), Enumerable.Range(0, 300).Select(n => $"vm-{n:D6}").ToHashSet());
        // In the listing's order throughout; VMs created while it ran come at its end (but those after its last page).
        var byId = node.Vms.ToDictionary(v => v.VmId);
        var keys = listed.Select(id => (byId[id].CreatedAt, id)).ToList();
        Assert.Equal(keys.OrderBy(k => k.CreatedAt).ThenBy(k => k.id, StringComparer.Ordinal), keys);
        var createdMeanwhile = node.Vms.Where(v => v.CreatedAt > Epoch.AddMinutes(30)).Select(v => v.VmId).SkipLast(3);
        Assert.Subset(listed.ToHashSet(), createdMeanwhile.ToHashSet());
    }

    [Fact]
    public async Task Filters_apply_before_paging()
    {
        var node = new PureNode(Budget);
        node.Vms.AddRange(Enumerable.Range(0, 50).Select(n => Vm(n, plant: n % 2 == 0 ? "even" : "odd")));
        var listed = await ListedIds(node, new ListVms([new VmFilter("plant", "odd")]) { Limit = 4 });
        Assert.Equal(Enumerable.Range(0, 50).Where(n => n % 2 == 1).Select(n => $"vm-{n:D6}"), listed);
    }

    [Fact]
    public async Task Every_page_fits_the_byte_bound_and_a_huge_vm_is_cut_and_completed_through_show()
    {
        var node = new PureNode(Budget);
        var huge = Actions(10_000, idLength: 200);
        node.Vms.AddRange(Enumerable.Range(0, 100).Select(n => n == 40 ? Vm(n, actions: huge) : Vm(n)));

        var page = Assert.IsType<VmList>(await node.Ask(new ListVms([]) { After = VmPagesCursorBefore(node, 40) }));
        var cut = Assert.Single(page.Vms);
        Assert.Equal("vm-000040", cut.VmId);
        Assert.NotNull(cut.ActionsNext);
        Assert.InRange(cut.Actions.Length, 1, huge.Length - 1);

        var all = Assert.IsType<VmList>(await PageFetcher.AllAsync(new ListVms([]), node.Ask));
        Assert.Equal(100, all.Vms.Length);
        Assert.Null(all.Next);
        var whole = all.Vms.Single(v => v.VmId == "vm-000040");
        Assert.Null(whole.ActionsNext);
        Assert.Equal(huge.ToArray(), whole.Actions.ToArray());
        Assert.All(node.PageBytes, bytes => Assert.InRange(bytes, 1, Budget));
        // 10,000 actions of ~300 bytes in pages of 16 kB: at least ~190 show pages.
        Assert.True(node.Asked.OfType<ShowVm>().Count() > 150, $"{node.Asked.OfType<ShowVm>().Count()} show pages");
    }

    [Fact]
    public async Task Show_pages_a_vms_actions_in_the_order_performed()
    {
        var node = new PureNode(Budget);
        var actions = Actions(2_500);
        node.Vms.Add(Vm(1, actions: actions));

        var first = Assert.IsType<VmInfo>(await node.Ask(new ShowVm("vm-000001") { Limit = 100 }));
        Assert.Equal(actions.Take(100), first.Actions);
        var second = Assert.IsType<VmInfo>(await node.Ask(new ShowVm("vm-000001") { Limit = 100, After = first.ActionsNext }));
        Assert.Equal(actions.Skip(100).Take(100), second.Actions);

        var whole = Assert.IsType<VmInfo>(await PageFetcher.AllAsync(new ShowVm("vm-000001"), node.Ask));
        Assert.Equal(actions.ToArray(), whole.Actions.ToArray());
        Assert.All(node.PageBytes, bytes => Assert.InRange(bytes, 1, Budget));
    }

    [Fact]
    public async Task A_cursor_of_another_listing_or_vm_and_a_limit_below_one_are_refused()
    {
        var node = new PureNode(Budget);
        node.Vms.AddRange([Vm(1, actions: Actions(50)), Vm(2, actions: Actions(50))]);
        var showCursor = Assert.IsType<VmInfo>(await node.Ask(new ShowVm("vm-000001") { Limit = 10 })).ActionsNext!;
        var listCursor = Assert.IsType<VmList>(await node.Ask(new ListVms([]) { Limit = 1 })).Next!;

        Assert.Contains("is not a cursor of `vmplant list`", Assert.IsType<RequestRejected>(await node.Ask(new ListVms([]) { After = showCursor })).Reason);
        Assert.Contains("is not a cursor of `vmplant list`", Assert.IsType<RequestRejected>(await node.Ask(new ListVms([]) { After = "vms.%%%" })).Reason);
        Assert.Contains("not a cursor of the actions of vm-000002", Assert.IsType<RequestRejected>(await node.Ask(new ShowVm("vm-000002") { After = showCursor })).Reason);
        Assert.Contains("not a cursor", Assert.IsType<RequestRejected>(await node.Ask(new ShowVm("vm-000001") { After = listCursor })).Reason);
        Assert.Contains("--limit must be at least 1", Assert.IsType<RequestRejected>(await node.Ask(new ListVms([]) { Limit = 0 })).Reason);
        Assert.Contains("unknown filter key", Assert.IsType<RequestRejected>(await node.Ask(new ListVms([new VmFilter("colour", "x")]))).Reason);
    }

    /// <summary>The cursor after VM <paramref name="n"/> − 1 (so the next page starts at VM n).</summary>
    private static string VmPagesCursorBefore(PureNode node, int n) =>
        Assert.IsType<VmList>(VmPages.List(node.Vms, new ListVms([]) { Limit = n }, 10_000_000)).Next ?? throw new InvalidOperationException("no cursor");
}
