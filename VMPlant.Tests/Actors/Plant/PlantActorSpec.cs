using System.Collections.Immutable;
using Akka.Actor;
using Akka.TestKit.Xunit2;
using VMPlant.Actors.Domain;
using VMPlant.Actors.Plant;
using VMPlant.Messages;
using VMPlant.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace VMPlant.Tests.Actors.Plant;

/// <summary>A plant on a real libvirt test-driver host: bids, builds, publishes, refuses, destroys.</summary>
public sealed class PlantActorSpec(ITestOutputHelper output) : TestKit(TestConfig.ActorSpec(), output: output)
{
    private readonly TempDirectory _data = new();

    private IActorRef StartPlant(PlantSettings settings)
    {
        var plant = Sys.ActorOf(PlantActor.Props(settings, TestActor), settings.Name);
        ExpectMsg<RegisterPlant>(r => r.Plant == settings.Name);
        return plant;
    }

    private VmReady Create(IActorRef plant, string requestId, VmSpec spec)
    {
        plant.Tell(new Award(requestId, requestId + "-vm", spec));
        ExpectMsg<AwardAccepted>();
        return FishForMessage<VmReady>(_ => true);
    }

    [Fact]
    public void Bids_the_base_image_plus_every_action_on_an_empty_cache()
    {
        var plant = StartPlant(PlantSettingsBuilder.TestNode("p1", _data.Path));
        var spec = SpecBuilder.MpiSolver();
        plant.Tell(new RequestBid("r1", spec));
        var bid = ExpectMsg<Bid>().Offer;
        Assert.Equal("base", bid.ImageId);
        Assert.Equal(0, bid.ReusedActions);
        Assert.Equal(3, bid.MissingActions);
        // clone 5 + 600 + 120 + 300, plus load 30 × utilisation (512 MiB of 8192 is the largest share: 1/4 vCPU)
        Assert.Equal(5 + 1020 + 30 * 0.25, bid.Cost, 6);
    }

    [Fact]
    public void Builds_an_awarded_vm_and_the_same_spec_then_reuses_its_published_image()
    {
        var plant = StartPlant(PlantSettingsBuilder.TestNode("p2", _data.Path));
        var spec = SpecBuilder.MpiSolver();
        var first = Create(plant, "r1", spec);
        Assert.Equal(VmState.Running, first.Vm.State);
        Assert.Equal(["os", "mpi", "solver"], first.Report.PerformedActionIds.ToArray());
        Assert.Equal(["os", "mpi", "solver"], first.Vm.Actions.Select(a => a.Id).ToArray());

        AwaitAssert(() =>
        {
            plant.Tell(GetPlantStatus.Instance);
            Assert.Single(ExpectMsg<PlantStatus>().Images);
        });
        plant.Tell(new RequestBid("r2", spec with { Name = "again" }));
        var bid = ExpectMsg<Bid>().Offer;
        Assert.Equal(3, bid.ReusedActions);
        Assert.Equal(0, bid.MissingActions);

        var second = Create(plant, "r2", spec with { Name = "again" });
        Assert.Empty(second.Report.PerformedActionIds);
        Assert.Equal(bid.ImageId, second.Vm.ImageId);
    }

    [Fact]
    public void A_spec_sharing_only_the_os_reuses_the_os_level_seed_image()
    {
        var seed = new SeedImage(SpecBuilder.MpiSolver(), ["os"]);
        var plant = StartPlant(PlantSettingsBuilder.TestNode("p3", _data.Path, seeds: [seed]));
        var other = SpecBuilder.Spec("web", SpecBuilder.Small,
            SpecBuilder.Action("debian", "install-os", 600, null, ("release", "12"), ("distro", "debian")),
            SpecBuilder.Action("nginx", "install-package", 60, ["debian"], ("package", "nginx")));

        var ready = Create(plant, "r1", other);
        Assert.Equal(["debian"], ready.Report.SkippedActionIds.ToArray());
        Assert.Equal(["nginx"], ready.Report.PerformedActionIds.ToArray());
        Assert.NotEqual("base", ready.Vm.ImageId);
    }

    [Fact]
    public void Declines_what_does_not_fit_with_the_resource_named()
    {
        var plant = StartPlant(PlantSettingsBuilder.TestNode("p4", _data.Path, cpus: 2, memoryMiB: 1024));
        plant.Tell(new RequestBid("r1", SpecBuilder.MpiSolver(resources: new Resources(1, 4096, 2))));
        var decline = ExpectMsg<Decline>().Reason;
        Assert.Equal("p4", decline.Plant);
        Assert.StartsWith("not enough memory: needs 4096 MiB, 1024 MiB free", decline.Reason);
    }

    [Fact]
    public void Refuses_an_award_when_capacity_went_to_an_earlier_award()
    {
        var plant = StartPlant(PlantSettingsBuilder.TestNode("p5", _data.Path, cpus: 2, memoryMiB: 1024));
        var big = SpecBuilder.MpiSolver(resources: new Resources(2, 1024, 2));
        plant.Tell(new RequestBid("r1", big));
        ExpectMsg<Bid>();
        plant.Tell(new RequestBid("r2", big));
        ExpectMsg<Bid>();

        Create(plant, "r1", big);
        plant.Tell(new Award("r2", "r2-vm", big));
        var refused = ExpectMsg<AwardRefused>();
        Assert.StartsWith("not enough vCPUs", refused.Reason);
    }

    [Fact]
    public void A_resent_award_never_builds_twice()
    {
        var plant = StartPlant(PlantSettingsBuilder.TestNode("p6", _data.Path));
        var spec = SpecBuilder.MpiSolver();
        var first = Create(plant, "r1", spec);
        plant.Tell(new Award("r1", "r1-vm", spec));
        ExpectMsg<AwardAccepted>();
        Assert.Equal(first.Vm.VmId, FishForMessage<VmReady>(_ => true).Vm.VmId);
        plant.Tell(GetPlantStatus.Instance);
        Assert.Equal(1, FishForMessage<PlantStatus>(_ => true).Vms);
    }

    [Fact]
    public void Bids_nothing_for_a_request_it_already_holds_so_a_re_bid_after_a_shop_restart_comes_back_here()
    {
        var plant = StartPlant(PlantSettingsBuilder.TestNode("p10", _data.Path));
        var spec = SpecBuilder.MpiSolver();
        Create(plant, "r1", spec);
        plant.Tell(new RequestBid("r1", spec));
        var bid = ExpectMsg<Bid>().Offer;
        Assert.Equal(0, bid.Cost);
        Assert.Equal(0, bid.MissingActions);
    }

    [Fact]
    public void Destroy_removes_the_vm_and_returns_its_capacity()
    {
        var plant = StartPlant(PlantSettingsBuilder.TestNode("p7", _data.Path, publish: PublishRule.Never));
        plant.Tell(GetPlantStatus.Instance);
        var before = ExpectMsg<PlantStatus>().Free;
        var vm = Create(plant, "r1", SpecBuilder.MpiSolver()).Vm;

        plant.Tell(GetPlantStatus.Instance);
        Assert.Equal(before.MemoryMiB - 512, ExpectMsg<PlantStatus>().Free.MemoryMiB);
        plant.Tell(new DestroyVm(vm.VmId));
        ExpectMsg<VmDestroyed>();
        plant.Tell(GetPlantStatus.Instance);
        Assert.Equal(before, ExpectMsg<PlantStatus>().Free);
        plant.Tell(new DestroyVm(vm.VmId));
        ExpectMsg<VmNotFound>();
    }

    [Fact]
    public void A_destroy_repeated_while_the_vm_is_being_removed_gets_the_same_answer_and_the_vm_is_gone_from_libvirt()
    {
        var settings = PlantSettingsBuilder.TestNode("p7b", _data.Path, publish: PublishRule.Never);
        var plant = StartPlant(settings);
        var vm = Create(plant, "r1", SpecBuilder.MpiSolver()).Vm;
        var other = CreateTestProbe("other-requester");

        plant.Tell(new DestroyVm(vm.VmId));
        plant.Tell(new DestroyVm(vm.VmId), other.Ref);
        Assert.Equal(vm.VmId, ExpectMsg<VmDestroyed>().VmId);
        Assert.Equal(vm.VmId, other.ExpectMsg<VmDestroyed>().VmId);
        plant.Tell(new DestroyVm(vm.VmId));
        ExpectMsg<VmNotFound>();
        // The removal reached the node file before it was acknowledged: a restarted process would not find the domain.
        Assert.DoesNotContain(vm.VmId, File.ReadAllText(TestNodeFile.For(settings).Path));
    }

    [Fact]
    public void Configure_performs_only_the_new_actions_on_the_running_vm()
    {
        var plant = StartPlant(PlantSettingsBuilder.TestNode("p8", _data.Path));
        var vm = Create(plant, "r1", SpecBuilder.DebianOnly()).Vm;
        plant.Tell(new ConfigurePlantVm("c1", vm.VmId, [SpecBuilder.Action("htop", "install-package", 10, ["base"], ("package", "htop"))]));
        var ready = FishForMessage<VmReady>(_ => true);
        Assert.Equal(["htop"], ready.Report.PerformedActionIds.ToArray());
        Assert.Equal(["base", "htop"], ready.Vm.Actions.Select(a => a.Id).ToArray());

        plant.Tell(new ConfigurePlantVm("c2", vm.VmId, [SpecBuilder.Action("bad", "install-package", 1, ["missing"])]));
        Assert.Contains("missing", ExpectMsg<RequestRejected>().Reason);
    }

    [Fact]
    public void A_plant_whose_hypervisor_cannot_be_reached_declines_with_the_reason()
    {
        var settings = PlantSettingsBuilder.TestNode("p9", _data.Path, uri: "test:///nonexistent/vmplant-node.xml");
        var plant = StartPlant(settings);
        plant.Tell(new RequestBid("r1", SpecBuilder.DebianOnly()));
        var decline = ExpectMsg<Decline>().Reason.Reason;
        Assert.Contains("hypervisor test:///nonexistent/vmplant-node.xml unavailable", decline);
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing) _data.Dispose();
    }
}
