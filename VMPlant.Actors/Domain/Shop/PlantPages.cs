using System.Collections.Immutable;
using VMPlant.Actors.Domain.Paging;
using VMPlant.Messages;

namespace VMPlant.Actors.Domain;

/// <summary>
/// Pages of the plants listing: plants by name, each plant's golden images by image id. A plant answers the shop with
/// the images after a cursor that fit in a page (<see cref="Images"/>); the shop puts whole plants in a page and ends
/// it at a plant whose images go on (<see cref="PlantStatus.ImagesNext"/>), so the next page starts with its rest.
/// </summary>
public static class PlantPages
{
    private const string Listing = "plants";

    /// <summary>Where a page starts: at <see cref="Plant"/> after its image <see cref="ImagesAfter"/>, or after that plant when null.</summary>
    public sealed record Start(string? Plant, string? ImagesAfter)
    {
        public static readonly Start First = new(null, null);

        public bool Includes(string plant) => Plant is null || string.CompareOrdinal(plant, Plant) is var order && (order > 0 || (order == 0 && ImagesAfter is not null));

        /// <summary>The image cursor to ask <paramref name="plant"/> with.</summary>
        public string? ImagesAfterFor(string plant) => plant == Plant ? ImagesAfter : null;
    }

    /// <summary>The start <paramref name="query"/> asks for, or the problem with it.</summary>
    public static (Start? Start, string? Problem) StartOf(ListPlants query)
    {
        if (PageLimits.Problem(query.Limit) is { } problem) return (null, problem);
        if (query.After is not { } after) return (Start.First, null);
        return PageCursor.Decode(after, Listing, 2) is [var plant, var image]
            ? (new Start(plant, image.Length == 0 ? null : image), null)
            : (null, PageCursor.Problem(after, "`vmplant plants`"));
    }

    /// <summary>The plants a page starting at <paramref name="start"/> may hold, by name: only these need asking.</summary>
    public static IEnumerable<string> Candidates(IEnumerable<string> plants, Start start, ListPlants query) =>
        plants.Where(start.Includes).Order(StringComparer.Ordinal).Take(PageLimits.Items(query.Limit));

    /// <summary>Plant side: the status with the images after <paramref name="after"/> that fit in <paramref name="maxBytes"/>.</summary>
    public static PlantStatus Images(PlantStatus status, string? after, long maxBytes) =>
        Pager.Take(
            status.Images.Where(i => after is null || string.CompareOrdinal(i.ImageId, after) > 0).OrderBy(i => i.ImageId, StringComparer.Ordinal),
            PageLimits.MaxItems, maxBytes,
            (page, more) => status with { Images = page, ImagesNext = more ? page[^1].ImageId : null },
            ShortenActions);

    /// <summary>An image whose list of actions alone outgrows a page (hundreds of long action ids) keeps the first that fit, saying how many are left out.</summary>
    private static GoldenImageInfo ShortenActions(GoldenImageInfo image, long maxBytes)
    {
        var kept = Pager.Take(image.Actions, image.Actions.Length, maxBytes - 32, (actions, _) => image with { Actions = actions });
        return kept with { ActionsOmitted = image.Actions.Length - kept.Actions.Length };
    }

    /// <summary>The bytes a plant's own answer may take: a page less room for the listing's envelope and cursor.</summary>
    public static long PlantBytes(long maxBytes) => maxBytes - 2048;

    /// <summary>
    /// Shop side: the page made of the answered plants' statuses (each within <see cref="PlantBytes"/>), in name order;
    /// <paramref name="lastAsked"/>: the last plant asked when plants after it exist (they make the next page), else null.
    /// </summary>
    public static PlantList Page(IEnumerable<PlantStatus> answered, ListPlants query, long maxBytes, string? lastAsked)
    {
        var ordered = answered.OrderBy(s => s.Plant, StringComparer.Ordinal).ToList();
        // Nothing may follow a plant cut short: the rest of its images come first on the next page.
        var cut = ordered.FindIndex(s => s.ImagesNext is not null);
        var candidates = cut < 0 ? ordered : ordered.Take(cut + 1);
        var page = Pager.Take(
            candidates, PageLimits.Items(query.Limit), maxBytes,
            (plants, more) => new PlantList(plants) { Next = more || (plants.Length > 0 && plants[^1].ImagesNext is not null) ? Cursor(plants[^1]) : null });
        // Plants beyond the cut, or not asked, are left for the next page.
        if (page.Next is not null) return page;
        if (cut >= 0 && cut < ordered.Count - 1) return page with { Next = Cursor(page.Plants[^1]) };
        return lastAsked is null ? page : page with { Next = PageCursor.Encode(Listing, lastAsked, "") };
    }

    private static string Cursor(PlantStatus last) => PageCursor.Encode(Listing, last.Plant, last.ImagesNext ?? "");
}
