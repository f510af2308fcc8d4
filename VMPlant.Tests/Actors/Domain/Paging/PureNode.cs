using System.Collections.Immutable;
using VMPlant.Actors.Domain;
using VMPlant.Messages;
using VMPlant.Messages.Serialization;

namespace VMPlant.Tests.Actors.Domain.Paging;

/// <summary>
/// Answers paged queries the way the shop does, through the pure paging functions only, over state a spec may change
/// between pages; records every page's size on the wire.
/// </summary>
internal sealed class PureNode(long maxBytes)
{
    public List<VmInfo> Vms { get; } = [];

    public Dictionary<string, PlantStatus> Plants { get; } = [];

    /// <summary>The whole answer of an estimate: what every auction (one per page) returns; a spec may change it.</summary>
    public EstimateResult Auction { get; set; } = new([], []);

    public List<long> PageBytes { get; } = [];

    public List<IVmPlantMessage> Asked { get; } = [];

    /// <summary>Called after each page is answered (to add items while a listing is in progress).</summary>
    public Action? AfterEachPage { get; set; }

    public Task<object> Ask(IVmPlantMessage query)
    {
        Asked.Add(query);
        IVmPlantMessage answer = query switch
        {
            ListVms list => VmPages.List(Vms, list, maxBytes),
            ShowVm show => Vms.FirstOrDefault(v => v.VmId == show.VmId) is { } vm ? VmPages.Show(vm, show, maxBytes) : new VmNotFound(show.VmId),
            ListPlants plants => PlantsPage(plants),
            EstimateVm estimate => EstimatePages.Problem(estimate) is { } problem
                ? new RequestRejected("estimate", problem)
                : EstimatePages.Page(Auction, estimate, maxBytes),
            _ => throw new ArgumentException(query.GetType().Name),
        };
        PageBytes.Add(WireSize.Of(answer));
        AfterEachPage?.Invoke();
        return Task.FromResult<object>(answer);
    }

    /// <summary>What <see cref="VMPlant.Actors.Shop.PlantStatusGatherer"/> does, every plant answering.</summary>
    private IVmPlantMessage PlantsPage(ListPlants query)
    {
        var (start, problem) = PlantPages.StartOf(query);
        if (problem is not null) return new RequestRejected("plants", problem);
        var asked = PlantPages.Candidates(Plants.Keys, start!, query).ToList();
        var lastAsked = asked.Count > 0 && Plants.Keys.Any(p => string.CompareOrdinal(p, asked[^1]) > 0) ? asked[^1] : null;
        var statuses = asked.Select(p => PlantPages.Images(Plants[p], start!.ImagesAfterFor(p), PlantPages.PlantBytes(maxBytes))).ToImmutableArray();
        return PlantPages.Page(statuses, query, maxBytes, lastAsked);
    }
}
