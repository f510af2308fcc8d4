using VMPlant.Actors.Domain;
using Xunit;
using VMPlant.Messages;
using static VMPlant.Tests.Support.SpecBuilder;

namespace VMPlant.Tests.Actors.Domain.Graph;

public sealed class ConfigDagSpec
{
    [Fact]
    public void Actions_come_in_run_order_with_ties_broken_by_the_order_written()
    {
        var dag = Dag(
            Action("app", after: ["mpi", "hosts"]),
            Action("hosts", after: ["os"]),
            Action("mpi", after: ["os"]),
            Action("os"),
            Action("motd"));

        Assert.Equal(["os", "hosts", "mpi", "app", "motd"], dag.Actions.Select(a => a.Id));
    }

    [Fact]
    public void Exposes_name_resources_costs_and_identities()
    {
        var dag = ConfigDag.Build(new VmSpec("mpi-node", new Resources(4, 4096, 20), [DebianOs(cost: 600), OpenMpi(cost: 120.5)]));

        Assert.Equal("mpi-node", dag.Name);
        Assert.Equal(new Resources(4, 4096, 20), dag.Resources);
        Assert.Equal(720.5, dag.TotalCost);
        Assert.Equal(2, dag.Identities.Count);
        Assert.Contains(dag["mpi"].Identity, dag.Identities);
        Assert.Equal("install-package", dag["mpi"].Kind);
        Assert.Equal(["os"], dag["mpi"].After.ToArray());
        Assert.Equal(120.5, dag["mpi"].Cost);
    }

    [Fact]
    public void Looking_up_an_unknown_id_fails_clearly()
    {
        var dag = Dag(DebianOs());

        Assert.False(dag.TryGetAction("nope", out _));
        var e = Assert.Throws<KeyNotFoundException>(() => dag["nope"]);
        Assert.Equal("VM 'test-vm' has no action 'nope'.", e.Message);
    }

    [Fact]
    public void Build_validates_first()
    {
        var e = Assert.Throws<SpecValidationException>(() => Dag(Action("a", after: ["b"])));

        Assert.Equal(["actions[a].after: unknown action 'b'"], TextsOf(e.Errors));
    }

    [Fact]
    public void Duplicate_after_entries_are_dropped()
    {
        Assert.Equal(["os"], Dag(DebianOs(), Action("x", after: ["os", "os"]))["x"].After.ToArray());
    }

    [Fact]
    public void Dag_actions_compare_by_value()
    {
        Assert.Equal(Dag(DebianOs(), OpenMpi())["mpi"], Dag(DebianOs(), OpenMpi())["mpi"]);
        Assert.NotEqual(Dag(DebianOs(), OpenMpi())["mpi"], Dag(DebianOs(), OpenMpi(cost: 1))["mpi"]);
    }

    [Fact]
    public void A_subset_can_be_put_in_run_order()
    {
        var dag = Dag(Action("c", after: ["b"]), Action("b", after: ["a"]), Action("a"), Action("d"));

        var ordered = dag.InTopologicalOrder([dag["d"], dag["c"], dag["a"], dag["c"]]);

        Assert.Equal(["a", "c", "d"], ordered.Select(a => a.Id));
    }

    [Fact]
    public void Only_the_dags_own_actions_can_be_ordered()
    {
        var dag = Dag(Action("a"));
        var stranger = Dag(Action("a", cost: 5, args: Args(("other", "x"))))["a"];

        Assert.Throws<ArgumentException>(() => dag.InTopologicalOrder([stranger]));
    }

    [Fact]
    public void ToSpec_gives_back_a_spec_with_the_same_dag()
    {
        var dag = Dag(OpenMpi(), DebianOs());

        var again = ConfigDag.Build(dag.ToSpec());

        Assert.Equal(dag.Actions, again.Actions);
        Assert.Equal(["os", "mpi"], dag.ToSpec().Actions.Select(a => a.Id));
    }

    [Fact]
    public void Extend_adds_actions_that_may_run_after_existing_ones()
    {
        var dag = Dag(DebianOs(), OpenMpi(), Action("hosts", "copy-file", 2, ["os"]));

        var extended = dag.Extend([Action("tools", "install-package", 45, ["mpi"]), Action("early")]);

        Assert.Equal(["os", "mpi", "hosts", "tools", "early"], extended.Actions.Select(a => a.Id));
        Assert.Equal(dag["mpi"].Identity, extended["mpi"].Identity);
        Assert.Equal(dag.TotalCost + 46, extended.TotalCost);
        Assert.True(dag.Identities.IsSubsetOf(extended.Identities));
        Assert.Equal(3, dag.Actions.Count);
    }

    [Fact]
    public void Extend_with_nothing_changes_nothing()
    {
        var dag = Dag(DebianOs());

        Assert.Same(dag, dag.Extend([]));
    }

    [Fact]
    public void Extend_refuses_ids_the_vm_already_has()
    {
        var dag = Dag(DebianOs(), OpenMpi());

        var e = Assert.Throws<SpecValidationException>(() => dag.Extend([Action("mpi"), Action("os"), Action("new")]));

        Assert.Equal(
            ["actions[mpi].id: is already an action of VM 'test-vm'", "actions[os].id: is already an action of VM 'test-vm'"],
            TextsOf(e.Errors));
    }

    [Fact]
    public void Extend_validates_the_whole()
    {
        var dag = Dag(DebianOs());

        var e = Assert.Throws<SpecValidationException>(() => dag.Extend([Action("x", after: ["ghost"]), Action("y", "Bad Kind")]));

        Assert.Equal(
            [
                "actions[x].after: unknown action 'ghost'",
                "actions[y].kind: 'Bad Kind' is not a known kind (install-os, install-package, copy-file, run-script, set-property) and does not match ^[a-z][a-z0-9-]*$",
            ],
            TextsOf(e.Errors));
    }

    [Fact]
    public void Extend_refuses_new_actions_with_existing_content()
    {
        var dag = Dag(DebianOs(), OpenMpi());

        var e = Assert.Throws<SpecValidationException>(() => dag.Extend([OpenMpi("mpi-again")]));

        Assert.Equal(["actions[mpi-again]: has the same kind, args and prerequisites as 'mpi', so the two cannot be told apart"],
            TextsOf(e.Errors));
    }
}
