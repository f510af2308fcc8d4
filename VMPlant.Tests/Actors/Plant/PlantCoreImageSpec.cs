using Akka.Actor;
using Akka.TestKit.Xunit2;
using VMPlant.Actors.Domain;
using VMPlant.Actors.Plant;
using VMPlant.Libvirt;
using VMPlant.Messages;
using VMPlant.Tests.Support;
using Xunit;
using Xunit.Abstractions;
using static VMPlant.Tests.Support.SpecBuilder;

namespace VMPlant.Tests.Actors.Plant;

/// <summary>
/// A plant saves a build's core (os → mpi → solver) as a golden image part-way through the build, next to the whole
/// VM's image, so a request with other extras reuses it; checked on the plant's libvirt test-driver host.
/// </summary>
public sealed class PlantCoreImageSpec(ITestOutputHelper output) : TestKit(TestConfig.ActorSpec(), output: output)
{
    private readonly TempDirectory _data = new();

    private static ActionSpec Os => Action("os", "install-os", 600, null, ("distro", "debian"), ("release", "12"));
    private static ActionSpec Mpi => Action("mpi", "install-package", 120, ["os"], ("package", "openmpi"));
    private static ActionSpec SolverA => Action("solver", "install-package", 300, ["mpi"], ("package", "lammps"));
    private static ActionSpec Hosts => Action("hosts", "copy-file", 2, ["os"], ("target", "/etc/hosts"));
    private static ActionSpec Job => Action("job", "run-script", 50, ["solver"], ("script", "job.sh"));

    /// <summary>The hosts file is written before mpi, so it runs second in the spec's own order.</summary>
    private static VmSpec RequestA => Spec("a", Small, Os, Hosts, Mpi, SolverA);

    /// <summary>Same core as A, other extras: a job script instead of the hosts file.</summary>
    private static VmSpec RequestB => Spec("b", Small, Os, Mpi, SolverA, Job);

    private static string CoreImageId => CoreImage.Of(ConfigDag.Build(RequestA))!.ImageId;

    private static string WholeImageId(VmSpec spec) => ImageIds.For(ConfigDag.Build(spec).Identities);

    private IActorRef StartPlant(PlantSettings settings)
    {
        var plant = Sys.ActorOf(PlantActor.Props(settings, TestActor), settings.Name);
        FishForMessage<RegisterPlant>(r => r.Plant == settings.Name);
        return plant;
    }

    private VmReady Create(IActorRef plant, string requestId, VmSpec spec)
    {
        plant.Tell(new Award(requestId, requestId + "-vm", spec));
        FishForMessage<AwardAccepted>(_ => true);
        return FishForMessage<VmReady>(_ => true);
    }

    private IReadOnlyList<GoldenImageInfo> AwaitImages(IActorRef plant, int count)
    {
        IReadOnlyList<GoldenImageInfo> images = [];
        AwaitAssert(() =>
        {
            plant.Tell(GetPlantStatus.Instance);
            images = FishForMessage<PlantStatus>(_ => true).Images;
            Assert.Equal(count, images.Count);
        });
        return images;
    }

    /// <summary>The volumes of the plant's pool as its host file and change log hold them (saved at every checkpoint).</summary>
    private static HashSet<string> VolumesOnHost(PlantSettings settings)
    {
        using var host = TestNodeFile.OpenSaved(TestNodeFile.For(settings).Path);
        using var pool = host.LookupStoragePoolByName(settings.Pool);
        var volumes = pool.ListAllVolumes();
        try
        {
            return volumes.Select(v => v.Name).ToHashSet(StringComparer.Ordinal);
        }
        finally
        {
            foreach (var v in volumes) v.Dispose();
        }
    }

    private static bool IsRunningOnHost(PlantSettings settings, string vmId)
    {
        using var host = TestNodeFile.OpenSaved(TestNodeFile.For(settings).Path);
        using var domain = host.TryLookupDomainByName(vmId);
        return domain is not null && domain.IsActive();
    }

    [Fact]
    public void A_build_performs_its_core_first_and_saves_it_and_the_whole_vm_as_two_volumes()
    {
        var settings = PlantSettingsBuilder.TestNode("core1", _data.Path);
        var plant = StartPlant(settings);

        var ready = Create(plant, "ra", RequestA);

        Assert.Equal(["os", "mpi", "solver", "hosts"], ready.Report.PerformedActionIds.ToArray());
        var images = AwaitImages(plant, 2).ToDictionary(i => i.ImageId);
        Assert.Equal(["os", "mpi", "solver"], images[CoreImageId].Actions.Select(a => a.Id).ToArray());
        Assert.Equal(600 + 120 + 300, images[CoreImageId].BuildCost);
        Assert.Equal(4, images[WholeImageId(RequestA)].Actions.Length);
        var volumes = VolumesOnHost(settings);
        Assert.Contains(CoreImageId, volumes);
        Assert.Contains(WholeImageId(RequestA), volumes);
    }

    [Fact]
    public void A_request_sharing_the_core_with_other_extras_bids_with_the_core_image_and_performs_only_its_extras()
    {
        var settings = PlantSettingsBuilder.TestNode("core2", _data.Path);
        var plant = StartPlant(settings);
        Create(plant, "ra", RequestA);
        AwaitImages(plant, 2);

        plant.Tell(new RequestBid("rb", RequestB));
        var bid = FishForMessage<Bid>(_ => true).Offer;
        Assert.Equal((CoreImageId, 3, 1), (bid.ImageId, bid.ReusedActions, bid.MissingActions));

        var ready = Create(plant, "rb", RequestB);
        Assert.Equal(CoreImageId, ready.Vm.ImageId);
        Assert.Equal(["job"], ready.Report.PerformedActionIds.ToArray());
        Assert.Equal(["os", "mpi", "solver"], ready.Report.SkippedActionIds.ToArray());
        // B's core is A's, already cached: only B's whole VM is added.
        AwaitImages(plant, 3);
        Assert.Contains(WholeImageId(RequestB), VolumesOnHost(settings));
    }

    [Fact]
    public void With_core_publishing_off_only_the_whole_vm_is_saved()
    {
        var settings = PlantSettingsBuilder.TestNode("core3", _data.Path, publishCore: false);
        var plant = StartPlant(settings);

        var ready = Create(plant, "ra", RequestA);

        Assert.Equal(["os", "hosts", "mpi", "solver"], ready.Report.PerformedActionIds.ToArray());
        Assert.Equal(WholeImageId(RequestA), Assert.Single(AwaitImages(plant, 1)).ImageId);
        var volumes = VolumesOnHost(settings);
        Assert.Contains(WholeImageId(RequestA), volumes);
        Assert.DoesNotContain(CoreImageId, volumes);
    }

    [Fact]
    public async Task A_core_copy_that_fails_leaves_the_vm_running_and_the_core_unjournaled()
    {
        // A volume already holding the core's name (kept by orphans = keep) makes the core copy fail.
        var settings = PlantSettingsBuilder.TestNode("core4", _data.Path) with { Orphans = OrphanPolicy.Keep };
        var file = TestNodeFile.For(settings);
        using (var host = LibvirtConnection.Open(file.Uri))
        {
            using var pool = host.LookupStoragePoolByName(settings.Pool);
            using var squatter = pool.CreateVolume(VolumeXml.Build(CoreImageId, 1L << 30));
            await file.SaveAsync(host);
        }
        var plant = StartPlant(settings);

        var ready = Create(plant, "ra", RequestA);

        Assert.Equal(VmState.Running, ready.Vm.State);
        Assert.Equal(["os", "mpi", "solver", "hosts"], ready.Report.PerformedActionIds.ToArray());
        Assert.True(IsRunningOnHost(settings, ready.Vm.VmId));
        Assert.Equal(WholeImageId(RequestA), Assert.Single(AwaitImages(plant, 1)).ImageId);
        plant.Tell(new RequestBid("rb", RequestB));
        Assert.Equal("base", FishForMessage<Bid>(_ => true).Offer.ImageId);
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing) _data.Dispose();
    }
}
