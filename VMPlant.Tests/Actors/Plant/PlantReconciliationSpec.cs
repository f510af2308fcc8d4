using System.Xml.Linq;
using Akka.Actor;
using Akka.TestKit.Xunit2;
using VMPlant.Actors.Domain;
using VMPlant.Actors.Plant;
using VMPlant.Libvirt;
using VMPlant.Messages;
using VMPlant.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace VMPlant.Tests.Actors.Plant;

/// <summary>
/// A plant restarted on a hypervisor that changed behind its back: a VM whose domain vanished is marked lost (its
/// capacity returns), and a domain and a volume the journal never recorded are removed — neither side is dropped silently.
/// </summary>
public sealed class PlantReconciliationSpec(ITestOutputHelper output) : TestKit(TestConfig.ActorSpec(), output: output)
{
    // Generous: a plant starts, builds and restarts on a machine shared with other work.
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private readonly TempDirectory _data = new();

    [Fact]
    public async Task A_restarted_plant_drops_vanished_vms_and_removes_unjournaled_leftovers()
    {
        var settings = PlantSettingsBuilder.TestNode("recon", _data.Path);
        var plant = Sys.ActorOf(PlantActor.Props(settings, TestActor));
        FishForMessage<RegisterPlant>(_ => true, Patience);
        var kept = Build(plant, "keep");
        var vanished = Build(plant, "gone");
        Watch(plant);
        Sys.Stop(plant);
        FishForMessage<Terminated>(t => t.ActorRef.Equals(plant), Patience); // register ticks may come first

        // Behind the plant's back: its VM "gone" disappears, and a stray domain and volume of this plant appear.
        var file = TestNodeFile.For(settings);
        using (var host = file.Open())
        {
            using (var domain = host.LookupDomainByName(vanished.VmId))
            {
                domain.Destroy();
                domain.Undefine();
            }
            using var pool = host.LookupStoragePoolByName(settings.Pool);
            using var stray = pool.CreateVolume(VolumeXml.Build("stray.qcow2", 1L << 30));
            var metadata = VmMetadata.Build("recon", "stray", "stray", "nobody", "base", []);
            using var strayDomain = host.DefineDomain(DomainXml.Build(new DomainDefinition("stray", 1, 256, stray.Path,
                MetadataXml: metadata.ToString(SaveOptions.DisableFormatting), MetadataNamespace: PlantHypervisor.MetadataNamespace)));
            await file.SaveAsync(host);
        }

        var restarted = Sys.ActorOf(PlantActor.Props(settings, TestActor));
        FishForMessage<RegisterPlant>(_ => true, Patience);
        restarted.Tell(ListPlantVms.Instance);
        var vms = FishForMessage<VmList>(_ => true, Patience).Vms.ToDictionary(v => v.VmId, v => v.State);
        Assert.Equal(VmState.Running, vms[kept.VmId]);
        Assert.DoesNotContain(vanished.VmId, vms.Keys); // lost: journaled as such, then gone from the plant's state

        restarted.Tell(GetPlantStatus.Instance);
        Assert.Equal(1, FishForMessage<PlantStatus>(_ => true, Patience).Vms);

        using var after = TestNodeFile.OpenSaved(file.Path);
        Assert.Null(after.TryLookupDomainByName("stray"));
        Assert.NotNull(after.TryLookupDomainByName(kept.VmId));
        using var afterPool = after.LookupStoragePoolByName(settings.Pool);
        Assert.Null(afterPool.TryLookupVolumeByName("stray.qcow2"));
    }

    [Fact]
    public async Task A_core_image_copied_but_never_journaled_is_removed_at_restart_and_saved_again_by_the_next_build()
    {
        // The crash window of a core checkpoint: the volume is copied, the plant dies before journaling ImagePublished.
        var settings = PlantSettingsBuilder.TestNode("recon-core", _data.Path);
        var job = SpecBuilder.Action("job", "run-script", 50, ["solver"], ("script", "job.sh"));
        var request = SpecBuilder.MpiSolver() with { Actions = [.. SpecBuilder.MpiSolver().Actions, job] };
        var coreImageId = CoreImage.Of(ConfigDag.Build(request))!.ImageId;
        var file = TestNodeFile.For(settings);
        using (var host = file.Open())
        {
            using var pool = host.LookupStoragePoolByName(settings.Pool);
            using var halfPublished = pool.CreateVolume(VolumeXml.Build(coreImageId, 2L << 30));
            await file.SaveAsync(host);
        }

        var plant = Sys.ActorOf(PlantActor.Props(settings, TestActor));
        FishForMessage<RegisterPlant>(_ => true, Patience);
        plant.Tell(new RequestBid("r1", request));
        Assert.Equal("base", FishForMessage<Bid>(_ => true, Patience).Offer.ImageId);
        using (var host = TestNodeFile.OpenSaved(file.Path))
        using (var pool = host.LookupStoragePoolByName(settings.Pool))
            Assert.Null(pool.TryLookupVolumeByName(coreImageId));

        plant.Tell(new Award("r1", "r1-vm", request));
        FishForMessage<VmReady>(_ => true, Patience);
        AwaitAssert(() =>
        {
            plant.Tell(GetPlantStatus.Instance);
            Assert.Contains(FishForMessage<PlantStatus>(_ => true, Patience).Images, i => i.ImageId == coreImageId);
        });
        using var after = TestNodeFile.OpenSaved(file.Path);
        using var afterPool = after.LookupStoragePoolByName(settings.Pool);
        using var saved = afterPool.TryLookupVolumeByName(coreImageId);
        Assert.NotNull(saved);
    }

    private VmInfo Build(IActorRef plant, string requestId)
    {
        plant.Tell(new Award(requestId, requestId + "-vm", SpecBuilder.DebianOnly(requestId)));
        FishForMessage<AwardAccepted>(_ => true, Patience);
        return FishForMessage<VmReady>(_ => true, Patience).Vm;
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing) _data.Dispose();
    }
}
