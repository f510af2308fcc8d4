using VMPlant.Actors.Domain;
using VMPlant.Libvirt;
using VMPlant.Messages;
using VMPlant.Tests.Support;
using Xunit;

namespace VMPlant.Tests.EndToEnd;

/// <summary>
/// The real host in-process: cluster, shop singleton, plants on libvirt test-driver hosts, and requests through the
/// same cluster-client path the CLI uses. Outcomes are checked on libvirt itself, through each plant's saved host.
/// </summary>
public sealed class NodeEndToEndSpec : IAsyncLifetime
{
    private readonly TempDirectory _data = new("vmplant-e2e");
    private InProcessNode _node = null!;

    private static string Example(string name) => Path.Combine(RepoPaths.Examples, name);

    public async Task InitializeAsync() => _node = await InProcessNode.StartAsync(_data.Path, $$"""
        vmplant.plants = [
          { name = alpha, test-node { cpus = 8, memory-mib = 16384, pool-gib = 80 } }
          {
            name = beta
            test-node { cpus = 4, memory-mib = 16384, pool-gib = 60 }
            seed-images = [ { spec = "{{Example("debian-mpi.conf")}}", up-to = [os] } ]
          }
        ]
        """, expectedPlants: 2);

    public async Task DisposeAsync()
    {
        await _node.DisposeAsync();
        _data.Dispose();
    }

    [Fact]
    public async Task The_same_spec_twice_reuses_the_published_image_and_performs_nothing()
    {
        var spec = VmSpecParser.ParseFile(Example("debian-mpi.conf"));
        var first = await _node.AskAsync<VmCreated>(new CreateVm("e2e-1", spec));
        Assert.Equal("beta", first.Vm.Plant); // beta's seeded OS image saves 600 s
        Assert.Equal(["hosts", "mpi", "ssh-keys"], first.Report.PerformedActionIds.Order().ToArray());
        Assert.Equal(2, first.Report.Bids.Length);

        var second = await _node.AskAsync<VmCreated>(new CreateVm("e2e-2", spec));
        Assert.Empty(second.Report.PerformedActionIds);
        Assert.Equal(4, second.Report.SkippedActionIds.Length);
        Assert.NotEqual(first.Vm.VmId, second.Vm.VmId);

        using var beta = LibvirtConnection.Open("test://" + Path.Combine(_data.Path, "plants", "beta", "node.xml"));
        foreach (var vm in new[] { first.Vm, second.Vm })
        {
            using var domain = beta.LookupDomainByName(vm.VmId);
            Assert.Equal(DomainState.Running, domain.GetState());
            Assert.Contains($"id=\"{vm.VmId}\"", domain.GetMetadata("urn:vmplant:vm:1"));
        }
        using var pool = beta.LookupStoragePoolByName("vmplant");
        using var overlay = pool.LookupVolumeByName(second.Vm.VmId + ".qcow2");
        Assert.Contains(second.Vm.ImageId, overlay.GetXmlDesc()); // a copy-on-write overlay backed by the reused image
    }

    [Fact]
    public async Task A_spec_sharing_only_the_os_step_reuses_the_os_level_image()
    {
        var solver = VmSpecParser.ParseFile(Example("debian-mpi-solver.conf"));
        var created = await _node.AskAsync<VmCreated>(new CreateVm("e2e-os", solver));
        Assert.Equal("beta", created.Vm.Plant);
        Assert.Equal(["debian"], created.Report.SkippedActionIds.ToArray());
    }

    [Fact]
    public async Task A_bad_spec_is_rejected_with_the_reason_and_creates_nothing()
    {
        var text = await File.ReadAllTextAsync(Example("bad-cycle.conf"));
        var spec = VmSpecParser.Parse(text, "bad-cycle.conf");
        var rejected = await _node.AskAsync<RequestRejected>(new CreateVm("e2e-bad", spec));
        Assert.Equal("invalid VM spec: actions[a].after: cycle: a -> b -> c -> a", rejected.Reason);
        Assert.Empty((await _node.AskAsync<VmList>(new ListVms([]))).Vms);
        var plants = await _node.AskAsync<PlantList>(ListPlants.Instance);
        Assert.All(plants.Plants, p => Assert.Equal(0, p.Vms));
    }

    [Fact]
    public async Task A_vm_that_fits_nowhere_fails_with_each_plants_reason()
    {
        var huge = VmSpecParser.ParseFile(Example("debian-mpi.conf")) with { Resources = new Resources(2, 1_000_000, 10) };
        var failed = await _node.AskAsync<CreateVmFailed>(new CreateVm("e2e-huge", huge));
        Assert.StartsWith("no plant can host this VM: ", failed.Reason);
        Assert.Contains("alpha: not enough memory", failed.Reason);
        Assert.Equal(["alpha", "beta"], failed.Declines.Select(d => d.Plant).Order().ToArray());
        Assert.All(failed.Declines, d => Assert.StartsWith("not enough memory", d.Reason));
    }

    [Fact]
    public async Task Destroy_removes_the_domain_and_its_disk_from_libvirt()
    {
        var spec = VmSpecParser.ParseFile(Example("centos-web.conf"));
        var created = await _node.AskAsync<VmCreated>(new CreateVm("e2e-destroy", spec));
        var destroyed = await _node.AskAsync<VmDestroyed>(new DestroyVm(created.Vm.VmId));
        Assert.Equal(created.Vm.Plant, destroyed.Plant);

        using var host = LibvirtConnection.Open("test://" + Path.Combine(_data.Path, "plants", created.Vm.Plant, "node.xml"));
        Assert.Null(host.TryLookupDomainByName(created.Vm.VmId));
        using var pool = host.LookupStoragePoolByName("vmplant");
        Assert.Null(pool.TryLookupVolumeByName(created.Vm.VmId + ".qcow2"));
        var shown = await _node.AskAsync<VmInfo>(new ShowVm(created.Vm.VmId));
        Assert.Equal(VmState.Destroyed, shown.State);
    }
}
