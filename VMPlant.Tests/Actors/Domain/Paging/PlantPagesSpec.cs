using VMPlant.Actors.Domain;
using VMPlant.Messages;
using Xunit;
using static VMPlant.Tests.Actors.Domain.Paging.PagingSamples;

namespace VMPlant.Tests.Actors.Domain.Paging;

/// <summary>The plants listing page by page: plants by name, a plant's many images split across pages and put back together.</summary>
public sealed class PlantPagesSpec
{
    private const long Budget = 16_000;

    [Fact]
    public async Task A_plant_with_thousands_of_images_is_split_across_pages_and_reassembled()
    {
        var node = new PureNode(Budget);
        foreach (var plant in new[] { PlantWithImages("alpha", 3), PlantWithImages("big", 2_000), PlantWithImages("c", 0), PlantWithImages("d", 40) }) node.Plants[plant.Plant] = plant;

        var list = Assert.IsType<PlantList>(await PageFetcher.AllAsync(ListPlants.Instance, node.Ask));

        Assert.Equal(["alpha", "big", "c", "d"], list.Plants.Select(p => p.Plant));
        Assert.All(list.Plants, p => Assert.Null(p.ImagesNext));
        Assert.Equal(node.Plants["big"].Images.ToArray(), list.Plants[1].Images.ToArray());
        Assert.Equal(node.Plants["d"].Images.ToArray(), list.Plants[3].Images.ToArray());
        Assert.True(node.Asked.Count > 20, $"{node.Asked.Count} pages");
        Assert.All(node.PageBytes, bytes => Assert.InRange(bytes, 1, Budget));
    }

    [Fact]
    public async Task A_page_ends_at_a_plant_cut_short_and_the_next_starts_with_the_rest_of_it()
    {
        var node = new PureNode(Budget);
        foreach (var plant in new[] { PlantWithImages("a", 1), PlantWithImages("b", 500), PlantWithImages("c", 1) }) node.Plants[plant.Plant] = plant;

        var first = Assert.IsType<PlantList>(await node.Ask(ListPlants.Instance));
        Assert.Equal(["a", "b"], first.Plants.Select(p => p.Plant));
        Assert.NotNull(first.Plants[1].ImagesNext);
        var second = Assert.IsType<PlantList>(await node.Ask(new ListPlants { After = first.Next }));
        Assert.Equal("b", second.Plants[0].Plant);
        Assert.Equal(node.Plants["b"].Images.Skip(first.Plants[1].Images.Length).First(), second.Plants[0].Images[0]);
    }

    [Fact]
    public async Task Limit_counts_plants_and_many_plants_are_paged_by_name()
    {
        var node = new PureNode(Budget);
        for (var i = 0; i < 250; i++) node.Plants[$"p{i:D3}"] = PlantWithImages($"p{i:D3}", 0);

        var first = Assert.IsType<PlantList>(await node.Ask(new ListPlants { Limit = 30 }));
        Assert.Equal(30, first.Plants.Length);
        var list = Assert.IsType<PlantList>(await PageFetcher.AllAsync(new ListPlants { Limit = 30 }, node.Ask));
        Assert.Equal(node.Plants.Keys.Order(StringComparer.Ordinal), list.Plants.Select(p => p.Plant));
    }

    [Fact]
    public async Task An_image_whose_actions_alone_outgrow_a_page_is_listed_with_the_first_that_fit_and_the_count_left_out()
    {
        var node = new PureNode(Budget);
        var plant = PlantWithImages("a", 3);
        var huge = plant.Images[1] with { Actions = Actions(2_000, idLength: 100) };
        node.Plants["a"] = plant with { Images = plant.Images.SetItem(1, huge) };

        var list = Assert.IsType<PlantList>(await PageFetcher.AllAsync(ListPlants.Instance, node.Ask));

        var images = Assert.Single(list.Plants).Images;
        Assert.Equal(plant.Images.Select(i => i.ImageId), images.Select(i => i.ImageId));
        Assert.Null(images[0].ActionsOmitted);
        Assert.Equal(huge.Actions.Take(images[1].Actions.Length).ToArray(), images[1].Actions.ToArray());
        Assert.Equal(2_000, images[1].Actions.Length + images[1].ActionsOmitted);
        Assert.InRange(images[1].ActionsOmitted!.Value, 1, 1_999);
        Assert.All(node.PageBytes, bytes => Assert.InRange(bytes, 1, Budget));
    }

    [Fact]
    public async Task A_foreign_cursor_is_refused()
    {
        var node = new PureNode(Budget);
        node.Plants["a"] = PlantWithImages("a", 1);
        Assert.Contains("is not a cursor of `vmplant plants`",
            Assert.IsType<RequestRejected>(await node.Ask(new ListPlants { After = "garbage" })).Reason);
    }
}
