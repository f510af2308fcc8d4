using VMPlant.Actors.Domain;
using VMPlant.Tests.Support;
using Xunit;
using static VMPlant.Tests.Support.SpecBuilder;

namespace VMPlant.Tests.Actors.Domain.Plant;

public sealed class LearnedCostsSpec
{
    private static readonly VMPlant.Messages.VmSpec Job = Spec("job", Small,
        Action("os", "install-os", 600, null, ("distro", "debian")),
        Action("hello", "install-package", 120, ["os"], ("packages", "hello")),
        Action("motd", "copy-file", 2, ["os"], ("content", "hi"), ("target", "/etc/motd")),
        Action("tune", "set-property", 1, ["os"], ("key", "vm.swappiness"), ("value", "7")));

    [Fact]
    public void Bids_charge_the_mean_measured_for_an_identity_then_for_its_kind_then_the_declared_cost()
    {
        var dag = ConfigDag.Build(Job);
        var hello = dag.Actions.Single(a => a.Id == "hello");
        var learned = LearnedCosts.Empty
            .Record(hello.Identity.Value, "install-package", 8)
            .Record(hello.Identity.Value, "install-package", 10)
            .Record("another-copy", "copy-file", 0.5);

        var costed = learned.Apply(dag, Job);

        Assert.Equal(9, costed.Actions.Single(a => a.Id == "hello").Cost);
        Assert.Equal(0.5, costed.Actions.Single(a => a.Id == "motd").Cost);
        Assert.Equal(600, costed.Actions.Single(a => a.Id == "os").Cost);
        Assert.True(dag.Identities.SetEquals(costed.Identities));
        var sources = learned.Explain(dag, Job).ToDictionary(c => c.ActionId);
        Assert.Equal(("learned", 2L, 120.0), (sources["hello"].Source, sources["hello"].Samples, sources["hello"].Declared));
        Assert.Equal("learned for its kind", sources["motd"].Source);
        Assert.Equal(("declared", (double?)null), (sources["tune"].Source, sources["tune"].Learned));
    }

    [Fact]
    public void Nothing_learned_leaves_the_dag_as_declared()
    {
        var dag = ConfigDag.Build(Job);
        Assert.Same(dag, LearnedCosts.Empty.Apply(dag, Job));
    }
}
