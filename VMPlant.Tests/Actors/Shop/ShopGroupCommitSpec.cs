using System.Collections.Immutable;
using Akka.Actor;
using Akka.Configuration;
using Akka.TestKit;
using Akka.TestKit.Xunit2;
using VMPlant.Actors.Domain;
using VMPlant.Actors.Shop;
using VMPlant.Messages;
using VMPlant.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace VMPlant.Tests.Actors.Shop;

/// <summary>
/// The shop journals many requests' events per write (group commit) on a slow journal, yet still journals each
/// request before awarding or answering it, answers each request once, and never runs two auctions for one id.
/// </summary>
public sealed class ShopGroupCommitSpec(ITestOutputHelper output)
    : TestKit(ConfigurationFactory.ParseString(SlowReportingJournal.Hocon).WithFallback(TestConfig.ActorSpec()), output: output)
{
    private static readonly ShopSettings Settings = TestShopSettings.Fast with
    {
        BidTimeout = TimeSpan.FromSeconds(3),
        AwardTimeout = TimeSpan.FromSeconds(3),
    };

    private static BidSummary Offer(string plant) => new(plant, 1, "img-" + plant, 1, 0, new Resources(64, 65536, 100));

    private static VmInfo Built(Award award, string plant) => new(award.VmId, award.Spec.Name, plant, VmState.Running,
        award.Spec.Resources, "img-" + plant, ImmutableArray<PerformedAction>.Empty, DateTimeOffset.UtcNow);

    private static CreateReport Report(string plant) =>
        new(plant, "img-" + plant, [], [], 0, 1, ImmutableArray<BidSummary>.Empty, ImmutableArray<DeclineSummary>.Empty);

    /// <summary>A shop with one probe plant "a"; <paramref name="journalWatcher"/> sees every journal write.</summary>
    private (IActorRef Shop, TestProbe Plant) ShopWithPlant(TestProbe journalWatcher, TestProbe? plant = null)
    {
        Sys.EventStream.Subscribe(journalWatcher.Ref, typeof(JournalWritten));
        var shop = Sys.ActorOf(ShopActor.Props(Settings));
        plant ??= CreateTestProbe("plant");
        shop.Tell(new RegisterPlant("a", plant.Ref));
        return (shop, plant);
    }

    /// <summary>Plays a plant that bids on everything, accepts every award and reports the VM built.</summary>
    private static void ServeAsPlant(TestProbe plant, IActorRef shop, int awards)
    {
        for (var served = 0; served < awards;)
        {
            switch (plant.ExpectMsg<object>(TimeSpan.FromSeconds(10)))
            {
                case RequestBid bid:
                    plant.Reply(new Bid(bid.RequestId, Offer("a")));
                    break;
                case Award award:
                    plant.Reply(new AwardAccepted(award.RequestId, "a"));
                    shop.Tell(new VmReady(award.RequestId, Built(award, "a"), Report("a")), plant.Ref);
                    served++;
                    break;
            }
        }
    }

    [Fact]
    public void A_burst_of_creates_is_journaled_in_fewer_writes_than_requests_and_each_is_answered_once()
    {
        const int requests = 20;
        var journal = CreateTestProbe("journal");
        var (shop, plant) = ShopWithPlant(journal);
        var clients = Enumerable.Range(0, requests).Select(i => CreateTestProbe($"client-{i}")).ToList();
        for (var i = 0; i < requests; i++) shop.Tell(new CreateVm($"burst-{i}", SpecBuilder.MpiSolver()), clients[i].Ref);

        ServeAsPlant(plant, shop, requests);

        var vmIds = clients.Select((c, i) => c.ExpectMsg<VmCreated>(TimeSpan.FromSeconds(10), $"burst-{i} answered").Vm.VmId).ToList();
        Assert.Equal(requests, vmIds.Distinct().Count());
        foreach (var client in clients) client.ExpectNoMsg(TimeSpan.FromMilliseconds(20));

        var writes = journal.ReceiveWhile(TimeSpan.FromMilliseconds(500), m => (JournalWritten)m)
            .Where(w => w.PersistenceId == ShopSettings.PersistenceId).ToList();
        var sizes = string.Join(", ", writes.Select(w => w.Events.Length));
        Assert.Equal(requests * 3, writes.Sum(w => w.Events.Length)); // accepted, awarded, completed per request
        Assert.True(writes.Count < requests, $"{requests} requests took {writes.Count} journal writes ({sizes} events)");
    }

    [Fact]
    public void A_duplicate_create_while_the_first_is_being_journaled_gets_the_same_outcome_from_one_auction()
    {
        var journal = CreateTestProbe("journal");
        var (shop, plant) = ShopWithPlant(journal);
        var first = CreateTestProbe("first");
        var second = CreateTestProbe("second");
        var spec = SpecBuilder.MpiSolver();
        shop.Tell(new CreateVm("dup", spec), first.Ref);
        shop.Tell(new CreateVm("dup", spec), second.Ref); // the RequestAccepted write (150 ms) is still in flight

        var bid = plant.ExpectMsg<RequestBid>();
        plant.Reply(new Bid(bid.RequestId, Offer("a")));
        var award = plant.ExpectMsg<Award>();
        plant.Reply(new AwardAccepted("dup", "a"));
        shop.Tell(new VmReady("dup", Built(award, "a"), Report("a")), plant.Ref);

        var created = first.ExpectMsg<VmCreated>();
        Assert.Equal(created.Vm.VmId, second.ExpectMsg<VmCreated>().Vm.VmId);
        plant.ExpectNoMsg(TimeSpan.FromMilliseconds(300)); // no second auction, no second award
        var accepted = journal.ReceiveWhile(TimeSpan.FromMilliseconds(300), m => (JournalWritten)m)
            .SelectMany(w => w.Events).OfType<RequestAccepted>().ToList();
        Assert.Single(accepted);
    }

    [Fact]
    public void The_award_waits_for_the_request_to_be_journaled_and_the_answer_for_its_outcome()
    {
        // One probe plays plant, client and journal watcher, so it sees the order in which things happen.
        var everything = CreateTestProbe("everything");
        var (shop, _) = ShopWithPlant(everything, plant: everything);
        shop.Tell(new CreateVm("ordered", SpecBuilder.MpiSolver()), everything.Ref);

        var bid = everything.ExpectMsg<RequestBid>();
        everything.Reply(new Bid(bid.RequestId, Offer("a"))); // answered long before the 150 ms write ends
        Assert.IsType<RequestAccepted>(Assert.Single(everything.ExpectMsg<JournalWritten>().Events));
        var award = everything.ExpectMsg<Award>();
        everything.Reply(new AwardAccepted("ordered", "a"));
        shop.Tell(new VmReady("ordered", Built(award, "a"), Report("a")), everything.Ref);

        var written = new List<object>();
        while (written.OfType<RequestCompleted>().SingleOrDefault() is null)
            written.AddRange(everything.ExpectMsg<JournalWritten>().Events);
        Assert.Equal("ordered", everything.ExpectMsg<VmCreated>().RequestId);
    }
}
