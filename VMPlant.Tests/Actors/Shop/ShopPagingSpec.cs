using System.Collections.Immutable;
using Akka.Actor;
using Akka.TestKit;
using Akka.TestKit.Xunit2;
using VMPlant.Actors;
using VMPlant.Actors.Domain;
using VMPlant.Actors.Shop;
using VMPlant.Messages;
using VMPlant.Tests.Support;
using Xunit;
using Xunit.Abstractions;
using static VMPlant.Tests.Actors.Domain.Paging.PagingSamples;

namespace VMPlant.Tests.Actors.Shop;

/// <summary>
/// The shop's query answers with a small remoting frame: a VM with thousands of actions, a plant with thousands of
/// images and an estimate among hundreds of plants each come back in pages that fit the frame as serialized, and
/// following their cursors gives back every item once.
/// </summary>
public sealed class ShopPagingSpec(ITestOutputHelper output)
    : TestKit(TestConfig.ActorSpec("akka.remote.dot-netty.tcp.maximum-frame-size = 32000b\n"), output: output)
{
    private static readonly ShopSettings Settings = TestShopSettings.Fast with { BidTimeout = TimeSpan.FromSeconds(10) };

    private long Budget => ReplyBudget.Of(Sys);

    private readonly List<int> _pageBytes = [];

    /// <summary>Asks the shop, recording each answer's size as VMPlant's serializer writes it for remoting.</summary>
    private Func<IVmPlantMessage, Task<object>> Asker(IActorRef shop) => async query =>
    {
        var answer = await shop.Ask<object>(query, TimeSpan.FromSeconds(30));
        _pageBytes.Add(Sys.Serialization.FindSerializerFor(answer).ToBinary(answer).Length);
        return answer;
    };

    private (IActorRef Shop, TestProbe Plant) ShopWithOnePlant()
    {
        var shop = Sys.ActorOf(ShopActor.Props(Settings));
        var plant = CreateTestProbe("plant-a");
        shop.Tell(new RegisterPlant("a", plant.Ref));
        return (shop, plant);
    }

    /// <summary>Creates a VM the probe plant reports as built with <paramref name="actions"/>.</summary>
    private VmInfo Create(IActorRef shop, TestProbe plant, string requestId, ImmutableArray<PerformedAction> actions)
    {
        var spec = SpecBuilder.DebianOnly();
        shop.Tell(new CreateVm(requestId, spec));
        plant.ExpectMsg<RequestBid>();
        plant.Reply(new Bid(requestId, new BidSummary("a", 10, "img-a", 0, 1, new Resources(4, 4096, 50))));
        var award = plant.ExpectMsg<Award>();
        plant.Reply(new AwardAccepted(requestId, "a"));
        var vm = new VmInfo(award.VmId, spec.Name, "a", VmState.Running, spec.Resources, "img-a", actions, DateTimeOffset.UtcNow);
        shop.Tell(new VmReady(requestId, vm, new CreateReport("a", "img-a", [], [], 10, 1, [], [])), plant.Ref);
        return ExpectMsg<VmCreated>(TimeSpan.FromSeconds(30)).Vm;
    }

    [Fact]
    public async Task A_vm_with_thousands_of_actions_is_shown_and_listed_in_pages_that_fit_the_frame()
    {
        var (shop, plant) = ShopWithOnePlant();
        var small = Create(shop, plant, "small-1", Actions(2));
        var actions = Actions(5_000, idLength: 120);
        var huge = Create(shop, plant, "huge-1", actions);

        var first = Assert.IsType<VmInfo>(await Asker(shop)(new ShowVm(huge.VmId)));
        Assert.NotNull(first.ActionsNext);
        Assert.InRange(first.Actions.Length, 1, actions.Length - 1);

        var shown = Assert.IsType<VmInfo>(await PageFetcher.AllAsync(new ShowVm(huge.VmId), Asker(shop)));
        Assert.Equal(actions.ToArray(), shown.Actions.ToArray());
        Assert.Null(shown.ActionsNext);

        var listed = Assert.IsType<VmList>(await PageFetcher.AllAsync(new ListVms([]), Asker(shop)));
        Assert.Equal([small.VmId, huge.VmId], listed.Vms.Select(v => v.VmId));
        Assert.Equal(actions.ToArray(), listed.Vms[1].Actions.ToArray());

        Output.WriteLine($"{_pageBytes.Count} pages, largest {_pageBytes.Max():N0} bytes, budget {Budget:N0}");
        Assert.True(_pageBytes.Count > 20, $"{_pageBytes.Count} pages");
        Assert.All(_pageBytes, bytes => Assert.InRange(bytes, 1, Budget));
    }

    [Fact]
    public async Task An_outcome_whose_vm_outgrows_the_frame_is_cut_where_show_continues()
    {
        var (shop, plant) = ShopWithOnePlant();
        var actions = Actions(5_000, idLength: 120);
        Assert.NotNull(Create(shop, plant, "huge-2", actions).ActionsNext);

        // A repeat of the request gets the same outcome, within the frame; show continues where it stops.
        var repeated = Assert.IsType<VmCreated>(await Asker(shop)(new CreateVm("huge-2", SpecBuilder.DebianOnly())));
        Assert.InRange(_pageBytes.Single(), 1, Budget);
        var rest = Assert.IsType<VmInfo>(await PageFetcher.AllAsync(new ShowVm(repeated.Vm.VmId) { After = repeated.Vm.ActionsNext }, Asker(shop)));
        Assert.Equal(actions.ToArray(), repeated.Vm.Actions.Concat(rest.Actions).ToArray());
    }

    [Fact]
    public async Task A_plant_with_thousands_of_images_is_listed_in_pages_and_put_back_together()
    {
        var shop = Sys.ActorOf(ShopActor.Props(Settings));
        var statuses = new[] { PlantWithImages("a", 2), PlantWithImages("b", 1_500), PlantWithImages("c", 1) }.ToDictionary(p => p.Plant);
        foreach (var status in statuses.Values)
        {
            var plant = CreateTestProbe("plant-" + status.Plant);
            // What PlantActor answers: its status with the images after the cursor that fit in the bytes asked.
            plant.SetAutoPilot(new DelegateAutoPilot((sender, message) =>
            {
                if (message is GetPlantStatus get) sender.Tell(PlantPages.Images(status, get.ImagesAfter, get.MaxBytes!.Value));
                return AutoPilot.KeepRunning;
            }));
            shop.Tell(new RegisterPlant(status.Plant, plant.Ref));
        }

        var list = Assert.IsType<PlantList>(await PageFetcher.AllAsync(ListPlants.Instance, Asker(shop)));

        Assert.Equal(["a", "b", "c"], list.Plants.Select(p => p.Plant));
        Assert.Equal(statuses["b"].Images.Select(i => i.ImageId), list.Plants[1].Images.Select(i => i.ImageId));
        Assert.True(_pageBytes.Count > 10, $"{_pageBytes.Count} pages");
        Assert.All(_pageBytes, bytes => Assert.InRange(bytes, 1, Budget));
    }

    [Fact]
    public async Task An_estimate_among_hundreds_of_plants_comes_in_pages_cheapest_first()
    {
        var shop = Sys.ActorOf(ShopActor.Props(Settings));
        const int plants = 300;
        for (var i = 0; i < plants; i++)
        {
            var name = $"plant-{i:D3}";
            var cost = (i * 7919) % 1000;
            var plant = CreateTestProbe(name);
            plant.SetAutoPilot(new DelegateAutoPilot((sender, message) =>
            {
                if (message is RequestBid bid)
                    sender.Tell(cost % 10 == 0
                        ? new Decline(bid.RequestId, new DeclineSummary(name, "not enough free memory on this fake host, by design of the spec"))
                        : new Bid(bid.RequestId, new BidSummary(name, cost, "img-" + name, 1, 2, new Resources(4, 4096, 50))));
                return AutoPilot.KeepRunning;
            }));
            shop.Tell(new RegisterPlant(name, plant.Ref));
        }

        var estimate = Assert.IsType<EstimateResult>(await PageFetcher.AllAsync(new EstimateVm(SpecBuilder.DebianOnly()) { Limit = 100 }, Asker(shop)));

        Assert.Equal(plants, estimate.Bids.Length + estimate.Declines.Length);
        Assert.Equal(estimate.Bids.Select(b => b.Cost).Order(), estimate.Bids.Select(b => b.Cost));
        Assert.Equal(estimate.Declines.Select(d => d.Plant).Order(StringComparer.Ordinal), estimate.Declines.Select(d => d.Plant));
        Assert.Equal(3, _pageBytes.Count);
        Assert.All(_pageBytes, bytes => Assert.InRange(bytes, 1, Budget));
    }
}
