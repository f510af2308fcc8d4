using System.Collections.Immutable;
using VMPlant.Actors.Domain;
using VMPlant.Bench.Workloads;
using VMPlant.Messages;
using Xunit;
using static VMPlant.Tests.Support.SpecBuilder;
using WorkloadStream = VMPlant.Bench.Workloads.Workload;

namespace VMPlant.Tests.Bench.Workloads;

/// <summary>Baseline reuse and placement rules on a hand-made stream whose answers can be worked out on paper.</summary>
public sealed class CacheSimulatorSpec
{
    private static readonly Resources Size = new(1, 1024, 10);

    private static ActionSpec Os => Action("os", "install-os", 600, null, ("distro", "debian"));
    private static ActionSpec Mpi => Action("mpi", "install-package", 120, ["os"], ("packages", "openmpi"));
    private static ActionSpec App => Action("app", "install-package", 300, ["mpi"], ("packages", "lammps"));
    private static ActionSpec Hosts => Action("hosts", "copy-file", 2, ["os"], ("target", "/etc/hosts"));
    private static ActionSpec Job => Action("job", "run-script", 50, ["app"], ("script", "job.sh"));

    /// <summary>
    /// r0 = os, mpi, app (1020 s). r1 adds a hosts file written before mpi, so its sequence is os, hosts, mpi, app:
    /// the r0 image is a subset (VMPlant performs 2 s) but not a prefix, nor the whole (1022 s for those rules).
    /// r2 repeats r0 (every cache reuses it all). r3 appends a job script: r0's image is a prefix and a subset (50 s).
    /// </summary>
    private static WorkloadStream Stream() => new(new WorkloadOptions(), [
        Request(0, Spec("r0", Size, Os, Mpi, App)),
        Request(1, Spec("r1", Size, Os, Hosts, Mpi, App)),
        Request(2, Spec("r2", Size, Os, Mpi, App)),
        Request(3, Spec("r3", Size, Os, Mpi, App, Job)),
    ]);

    private static WorkloadRequest Request(int seq, VmSpec spec) => new(seq, spec.Name, 1000, spec);

    private static SimulationOptions OnePlant(ReuseRule reuse) => SimulationOptions.Default(reuse) with
    {
        Plants = [new SimPlantSize("only", 16, 65536, 1000)],
    };

    [Theory]
    [InlineData(ReuseRule.NoCache, 1020 + 1022 + 1020 + 1070)]
    [InlineData(ReuseRule.WholeImage, 1020 + 1022 + 0 + 1070)]
    [InlineData(ReuseRule.ExactPrefix, 1020 + 1022 + 0 + 50)]
    [InlineData(ReuseRule.PartialGraph, 1020 + 2 + 0 + 50)]
    public void Each_reuse_rule_performs_the_work_worked_out_by_hand(ReuseRule rule, double expected)
    {
        var result = CacheSimulator.Run(Stream(), OnePlant(rule));

        Assert.Equal(4, result.Served);
        Assert.Equal(expected, result.PerformedWork);
        Assert.Equal(1020 + 1022 + 1020 + 1070, result.RequestedWork);
    }

    [Fact]
    public void Exact_prefix_reuse_cannot_use_an_image_whose_order_differs()
    {
        var prefix = CacheSimulator.Run(Stream(), OnePlant(ReuseRule.ExactPrefix));
        var partial = CacheSimulator.Run(Stream(), OnePlant(ReuseRule.PartialGraph));

        // r1: Docker's rule rebuilds everything; VMPlant's partial graph only copies the hosts file.
        Assert.Equal(1020, prefix.PerformedWork - partial.PerformedWork);
        Assert.Equal((prefix.FullHits, prefix.PartialHits, prefix.Misses), (1, 1, 2));
        Assert.Equal((partial.FullHits, partial.PartialHits, partial.Misses), (1, 2, 1));
    }

    [Fact]
    public void The_auction_sends_a_request_to_the_plant_holding_its_image_where_least_loaded_does_not()
    {
        var twoPlants = ImmutableArray.Create(new SimPlantSize("a", 16, 65536, 1000), new SimPlantSize("b", 16, 65536, 1000));
        var stream = new WorkloadStream(new WorkloadOptions(), [Request(0, Spec("r0", Size, Os, Mpi, App)), Request(1, Spec("r1", Size, Os, Mpi, App))]);

        var auction = CacheSimulator.Run(stream, SimulationOptions.Default() with { Plants = twoPlants });
        var leastLoaded = CacheSimulator.Run(stream, SimulationOptions.Default(placement: PlacementRule.LeastLoaded) with { Plants = twoPlants });

        Assert.Equal(1020, auction.PerformedWork);
        Assert.Equal(2040, leastLoaded.PerformedWork);
    }

    [Fact]
    public void A_request_no_plant_can_hold_is_rejected_and_costs_nothing()
    {
        var huge = Spec("huge", new Resources(1024, 1024, 10), Os);
        var stream = new WorkloadStream(new WorkloadOptions(), [Request(0, huge)]);

        var result = CacheSimulator.Run(stream, OnePlant(ReuseRule.PartialGraph));

        Assert.Equal((0, 1, 0.0), (result.Served, result.Rejected, result.PerformedWork));
    }

    private static SimulationOptions WithoutCoreImages(SimulationOptions options) => options with { Cache = options.Cache with { PublishCore = false } };

    [Fact]
    public void Core_images_let_a_request_without_the_extras_reuse_the_expensive_part()
    {
        // r1 lacks r0's job script, so r0's whole image is useless to it; its core (os, mpi, app) is not.
        var stream = new WorkloadStream(new WorkloadOptions(), [Request(0, Spec("r0", Size, Os, Mpi, App, Job)), Request(1, Spec("r1", Size, Os, Mpi, App))]);

        var plain = CacheSimulator.Run(stream, WithoutCoreImages(OnePlant(ReuseRule.PartialGraph)));
        var core = CacheSimulator.Run(stream, OnePlant(ReuseRule.PartialGraph));

        Assert.Equal(1070 + 1020, plain.PerformedWork);
        Assert.Equal(1070 + 0, core.PerformedWork);
        // Two images either way: r0 and r1 whole, or r0 whole and its core, which is r1.
        Assert.Equal((2, 2), (plain.Published, core.Published));
        Assert.Equal((false, true), (plain.CoreImages, core.CoreImages));
    }

    [Fact]
    public void A_core_is_published_only_when_the_plant_could_save_it_not_from_an_image_holding_an_extra()
    {
        // r0 = os + hosts, published whole. r1 = os, hosts, mpi, app, job starts from it: its disk never holds exactly
        // its core (os, mpi, app), so no core image. r2 (r1 without hosts) can use neither image and starts from the
        // base, so it does save its core on the way.
        var stream = new WorkloadStream(new WorkloadOptions(), [
            Request(0, Spec("r0", Size, Os, Hosts)),
            Request(1, Spec("r1", Size, Os, Hosts, Mpi, App, Job)),
            Request(2, Spec("r2", Size, Os, Mpi, App, Job)),
        ]);

        var result = CacheSimulator.Run(stream, OnePlant(ReuseRule.PartialGraph));

        Assert.Equal(602 + 470 + 1070, result.PerformedWork);
        Assert.Equal(1 + 1 + 2, result.Published);
    }

    [Fact]
    public void Only_vmplant_rules_publish_core_images_by_default_the_baselines_model_whole_build_caches()
    {
        Assert.True(SimulationOptions.Default().Cache.PublishCore);
        Assert.True(SimulationOptions.Default(placement: PlacementRule.Random).Cache.PublishCore);
        Assert.All([ReuseRule.NoCache, ReuseRule.WholeImage, ReuseRule.ExactPrefix], rule => Assert.False(SimulationOptions.Default(rule).Cache.PublishCore));
    }

    [Fact]
    public void The_same_workload_and_options_give_the_same_result()
    {
        var workload = WorkloadGenerator.Generate(new WorkloadOptions(Seed: 11, Requests: 300));
        var prepared = CacheSimulator.Prepare(workload);

        foreach (var placement in Enum.GetValues<PlacementRule>())
        {
            var options = SimulationOptions.Default(placement: placement);
            Assert.Equal(CacheSimulator.Run(prepared, options), CacheSimulator.Run(prepared, options));
        }
    }
}
