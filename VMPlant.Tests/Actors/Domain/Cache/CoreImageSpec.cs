using VMPlant.Actors.Domain;
using VMPlant.Messages;
using Xunit;
using static VMPlant.Tests.Support.SpecBuilder;

namespace VMPlant.Tests.Actors.Domain.Cache;

public sealed class CoreImageSpec
{
    private static readonly DateTimeOffset T0 = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly CostModel Model = new(CloneCost: 30, LoadWeight: 0);
    private static readonly GoldenImage Base = GoldenImage.Base("base", "base.qcow2", 1_000, T0);

    private static ActionSpec Solver(string after = "mpi", double cost = 300) =>
        Action("solver", "install-package", cost, [after], Args(("package", "lammps")));

    private static ActionSpec Hosts(string after = "os") => Action("hosts", "copy-file", 2, [after], Args(("target", "/etc/hosts")));

    private static ActionSpec Job(string after = "solver") => Action("job", "run-script", 50, [after], Args(("script", "job.sh")));

    /// <summary>os → mpi → solver, with a hosts file after the OS and a job script after the solver.</summary>
    private static ConfigDag GridRequest() => Dag(DebianOs(), Hosts(), OpenMpi(), Solver(), Job());

    private static ImageCache Cache(PublishRule rule = PublishRule.Always, double minSaved = 0, bool publishCore = true) =>
        new ImageCache(new CachePolicy(rule, minSaved, MaxImages: 100, MaxBytes: 1_000_000, publishCore)).Publish(Base);

    private static GoldenImage ImageOf(ConfigDag dag, params string[] ids) =>
        new(string.Join("+", ids), "vol", [.. dag.ClosureOf(ids).Select(a => a.Identity)], dag.ClosureOf(ids).Sum(a => a.Cost), 500, T0);

    [Fact]
    public void The_core_is_the_costliest_action_with_prerequisites_and_its_closure_in_run_order()
    {
        var dag = GridRequest();

        var core = CoreImage.Of(dag)!;

        Assert.Equal(["os", "mpi", "solver"], core.Actions.Select(a => a.Id));
        Assert.Equal(600 + 120 + 300, core.BuildCost);
        Assert.Equal(ImageIds.For(dag.ClosureOf(["solver"]).Select(a => a.Identity)), core.ImageId);
        Assert.True(core.Identities.SetEquals(core.Actions.Select(a => a.Identity)));
    }

    [Fact]
    public void A_request_without_any_action_that_has_prerequisites_has_no_core()
    {
        Assert.Null(CoreImage.Of(Dag(DebianOs(), Action("motd", cost: 5000))));
    }

    [Fact]
    public void A_core_that_is_the_whole_request_is_none_the_build_image_holds_it()
    {
        Assert.Null(CoreImage.Of(Dag(DebianOs(), OpenMpi(), Solver())));
    }

    [Fact]
    public void An_expensive_action_without_prerequisites_is_not_the_core_even_if_it_costs_more()
    {
        var dag = Dag(DebianOs(cost: 10), OpenMpi(cost: 20), Hosts(), Action("dataset", "copy-file", 900));

        Assert.Equal(["os", "mpi"], CoreImage.Of(dag)!.Actions.Select(a => a.Id));
    }

    [Fact]
    public void Among_equally_costly_candidates_the_one_that_runs_last_wins()
    {
        // mpi and solver both cost 120: solver runs later and depends on mpi, so the larger core is chosen.
        var nested = Dag(DebianOs(), OpenMpi(cost: 120), Solver(cost: 120), Job());
        Assert.Equal(["os", "mpi", "solver"], CoreImage.Of(nested)!.Actions.Select(a => a.Id));

        // Two siblings of equal cost: the one written (and so run) second.
        var siblings = Dag(DebianOs(), Action("a", cost: 50, after: ["os"]), Action("b", cost: 50, after: ["os"]), Action("c", cost: 1, after: ["a"]));
        Assert.Equal(["os", "b"], CoreImage.Of(siblings)!.Actions.Select(a => a.Id));
    }

    [Fact]
    public void Split_puts_the_core_first_and_keeps_run_order_in_each_part()
    {
        var dag = GridRequest();
        Assert.Equal(["os", "hosts", "mpi", "solver", "job"], dag.Actions.Select(a => a.Id));

        var (coreFirst, afterwards) = CoreImage.Of(dag)!.Split(dag.Actions);

        Assert.Equal(["os", "mpi", "solver"], coreFirst.Select(a => a.Id));
        Assert.Equal(["hosts", "job"], afterwards.Select(a => a.Id));
    }

    [Fact]
    public void A_build_from_the_base_image_checkpoints_its_core()
    {
        var dag = GridRequest();
        var cache = Cache();

        var core = cache.CoreToCheckpoint(dag, cache.FindBest(dag, Model, 0)!);

        Assert.Equal(CoreImage.Of(dag)!.ImageId, core?.ImageId);
    }

    [Fact]
    public void A_build_from_an_image_inside_the_core_checkpoints_it_but_not_from_one_holding_an_extra()
    {
        var dag = GridRequest();
        var fromOs = Cache().Publish(ImageOf(dag, "os"));
        var fromHosts = Cache().Publish(ImageOf(dag, "hosts"));

        Assert.NotNull(fromOs.CoreToCheckpoint(dag, fromOs.FindBest(dag, Model, 0)!));
        var match = fromHosts.FindBest(dag, Model, 0)!;
        Assert.Equal("hosts", match.Image.ImageId);
        Assert.Null(fromHosts.CoreToCheckpoint(dag, match));
    }

    [Fact]
    public void A_core_already_cached_is_not_checkpointed_again()
    {
        var dag = GridRequest();
        var cache = Cache().Publish(ImageOf(dag, "solver"));

        var match = cache.FindBest(dag, Model, 0)!;

        Assert.Equal("solver", match.Image.ImageId);
        Assert.Null(cache.CoreToCheckpoint(dag, match));
        Assert.Null(cache.CoreToCheckpoint(dag, ImageMatch.Of(Base, dag, Model, 0)));
    }

    [Fact]
    public void The_policy_decides_never_off_and_when_worth_it_on_the_core_work_after_cloning()
    {
        var dag = GridRequest();
        var withOs = Cache(PublishRule.WhenWorthIt, minSaved: 420).Publish(ImageOf(dag, "os"));
        var fromOs = withOs.FindBest(dag, Model, 0)!;

        Assert.NotNull(withOs.CoreToCheckpoint(dag, fromOs)); // mpi + solver = 420 s
        Assert.Null(withOs.WithPolicy(withOs.Policy with { MinSavedCost = 420.5 }).CoreToCheckpoint(dag, fromOs));
        Assert.Null(withOs.WithPolicy(withOs.Policy with { Publish = PublishRule.Never }).CoreToCheckpoint(dag, fromOs));
        Assert.Null(withOs.WithPolicy(withOs.Policy with { PublishCore = false }).CoreToCheckpoint(dag, fromOs));
    }
}
