using System.Collections.Immutable;

namespace VMPlant.Messages;

/// <summary>
/// Client side of paging: follows the cursors of a paged query to the end and reassembles one answer (every VM with all
/// its actions, every plant with all its images, every bid). Any other answer (a refusal) is returned as it came.
/// </summary>
public static class PageFetcher
{
    /// <summary>The whole answer to <paramref name="query"/>, asking the node page by page through <paramref name="ask"/>.</summary>
    /// <exception cref="PagingException">The node answered a page with the cursor it was given (it would never end).</exception>
    public static Task<object> AllAsync(IVmPlantMessage query, Func<IVmPlantMessage, Task<object>> ask) => query switch
    {
        ListVms list => AllVmsAsync(list, ask),
        ShowVm show => WholeVmAsync(show, ask),
        ListPlants plants => AllPlantsAsync(plants, ask),
        EstimateVm estimate => AllBidsAsync(estimate, ask),
        _ => ask(query),
    };

    private static async Task<object> AllVmsAsync(ListVms query, Func<IVmPlantMessage, Task<object>> ask)
    {
        var vms = ImmutableArray.CreateBuilder<VmInfo>();
        for (var after = query.After; ;)
        {
            var answer = await ask(query with { After = after });
            if (answer is not VmList page) return answer;
            foreach (var vm in page.Vms)
                vms.Add(vm.ActionsNext is null ? vm : await RestOfActionsAsync(vm, query.Limit, ask));
            if (page.Next is null) return new VmList(vms.ToImmutable());
            after = Advance(after, page.Next);
        }
    }

    private static async Task<object> WholeVmAsync(ShowVm query, Func<IVmPlantMessage, Task<object>> ask)
    {
        var answer = await ask(query);
        return answer is VmInfo { ActionsNext: not null } partial ? await RestOfActionsAsync(partial, query.Limit, ask) : answer;
    }

    /// <summary>A VM with the actions that follow its <see cref="VmInfo.ActionsNext"/> appended (partial as far as the node answered).</summary>
    private static async Task<VmInfo> RestOfActionsAsync(VmInfo partial, int? limit, Func<IVmPlantMessage, Task<object>> ask)
    {
        var actions = partial.Actions.ToBuilder();
        var vm = partial;
        while (vm.ActionsNext is { } next)
        {
            if (await ask(new ShowVm(partial.VmId) { Limit = limit, After = next }) is not VmInfo page)
                return partial with { Actions = actions.ToImmutable(), ActionsNext = next };
            actions.AddRange(page.Actions);
            Advance(next, page.ActionsNext);
            vm = page;
        }
        return vm with { Actions = actions.ToImmutable(), ActionsNext = null };
    }

    private static async Task<object> AllPlantsAsync(ListPlants query, Func<IVmPlantMessage, Task<object>> ask)
    {
        var plants = new List<PlantStatus>();
        for (var after = query.After; ;)
        {
            var answer = await ask(query with { After = after });
            if (answer is not PlantList page) return answer;
            foreach (var plant in page.Plants)
            {
                // A plant whose images did not fit in one page continues in the next one.
                if (plants.Count > 0 && plants[^1] is { ImagesNext: not null } partial && partial.Plant == plant.Plant)
                    plants[^1] = plant with { Images = partial.Images.AddRange(plant.Images) };
                else
                    plants.Add(plant);
            }
            if (page.Next is null) return new PlantList([.. plants]);
            after = Advance(after, page.Next);
        }
    }

    private static async Task<object> AllBidsAsync(EstimateVm query, Func<IVmPlantMessage, Task<object>> ask)
    {
        var bids = ImmutableArray.CreateBuilder<BidSummary>();
        var declines = ImmutableArray.CreateBuilder<DeclineSummary>();
        // Each page is a new auction: a plant whose bid moved between pages could come twice; the first answer counts.
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var after = query.After; ;)
        {
            var answer = await ask(query with { After = after });
            if (answer is not EstimateResult page) return answer;
            bids.AddRange(page.Bids.Where(b => seen.Add(b.Plant)));
            declines.AddRange(page.Declines.Where(d => seen.Add(d.Plant)));
            if (page.Next is null) return new EstimateResult(bids.ToImmutable(), declines.ToImmutable());
            after = Advance(after, page.Next);
        }
    }

    private static string? Advance(string? current, string? next) =>
        next is not null && next == current
            ? throw new PagingException($"the node answered the page after cursor {current} with the same cursor; stopping")
            : next;
}

/// <summary>A node's pages do not chain (a cursor repeats): the listing cannot be completed.</summary>
public sealed class PagingException(string message) : Exception(message);
