using VMPlant.Actors.Domain;
using VMPlant.Tests.Support;
using Xunit;
using static VMPlant.Tests.Support.SpecBuilder;

namespace VMPlant.Tests.Actors.Domain.Graph;

public sealed class ActionIdentitySpec
{
    [Fact]
    public void An_identity_is_32_lower_case_hex_digits()
    {
        var identity = Dag(DebianOs())["os"].Identity;

        Assert.Matches("^[0-9a-f]{32}$", identity.Value);
        Assert.Equal(identity, ActionIdentity.Parse(identity.Value));
        Assert.Equal(identity.Value, identity.ToString());
    }

    [Fact]
    public void Identities_are_stable_across_runs()
    {
        // Pinned (and checked by hand against the documented encoding): a change here orphans every published image.
        var expected = ActionIdentityHasher.Compute("install-os", Args(("distro", "debian"), ("release", "12")), []);
        Assert.Equal(expected, Dag(DebianOs())["os"].Identity);
        Assert.Equal("6b43bbd04dddb0db17ecb15ead1e042b", expected.Value);
    }

    [Fact]
    public void The_same_content_under_other_ids_and_costs_has_the_same_identity()
    {
        var mine = Dag(DebianOs("os", 600), OpenMpi("mpi", "os", 120));
        var theirs = Dag(DebianOs("debian", 30), OpenMpi("openmpi", "debian", 5));

        Assert.Equal(mine["os"].Identity, theirs["debian"].Identity);
        Assert.Equal(mine["mpi"].Identity, theirs["openmpi"].Identity);
        Assert.True(mine.Identities.SetEquals(theirs.Identities));
    }

    [Fact]
    public void The_two_debian_examples_share_their_os_and_mpi_identities()
    {
        var node = ConfigDag.Build(VmSpecParser.ParseFile(RepoPaths.Example("debian-mpi.conf")));
        var solver = ConfigDag.Build(VmSpecParser.ParseFile(RepoPaths.Example("debian-mpi-solver.conf")));

        Assert.Equal(node["os"].Identity, solver["debian"].Identity);
        Assert.Equal(node["mpi"].Identity, solver["openmpi"].Identity);
        Assert.Equal(2, node.Identities.Intersect(solver.Identities).Count());
    }

    [Fact]
    public void Changing_an_arg_changes_the_identity_and_its_dependants()
    {
        var bookworm = Dag(DebianOs(), OpenMpi());
        var trixie = Dag(Action("os", "install-os", 600, args: Args(("distro", "debian"), ("release", "13"))), OpenMpi());

        Assert.NotEqual(bookworm["os"].Identity, trixie["os"].Identity);
        Assert.NotEqual(bookworm["mpi"].Identity, trixie["mpi"].Identity);
    }

    [Fact]
    public void Changing_the_kind_changes_the_identity()
    {
        var args = Args(("package", "openmpi"));
        Assert.NotEqual(
            Dag(Action("x", "install-package", args: args))["x"].Identity,
            Dag(Action("x", "remove-package", args: args))["x"].Identity);
    }

    [Fact]
    public void Changing_a_prerequisite_changes_the_identity()
    {
        var afterOs = Dag(DebianOs(), Action("hosts", "copy-file", after: ["os"]), Action("tool"));
        var afterTool = Dag(DebianOs(), Action("hosts", "copy-file", after: ["tool"]), Action("tool"));
        var afterNothing = Dag(DebianOs(), Action("hosts", "copy-file"), Action("tool"));

        Assert.NotEqual(afterOs["hosts"].Identity, afterTool["hosts"].Identity);
        Assert.NotEqual(afterOs["hosts"].Identity, afterNothing["hosts"].Identity);
    }

    [Fact]
    public void The_order_args_and_prerequisites_are_written_in_does_not_matter()
    {
        var one = Dag(Action("a"), Action("b"), Action("c", after: ["a", "b"], args: Args(("x", "1"), ("y", "2"))));
        var two = Dag(Action("b"), Action("a"), Action("c", after: ["b", "a"], args: Args(("y", "2"), ("x", "1"))));

        Assert.Equal(one["c"].Identity, two["c"].Identity);
    }

    [Fact]
    public void A_redundant_prerequisite_does_not_change_the_identity()
    {
        var plain = Dag(DebianOs(), OpenMpi(), Action("app", after: ["mpi"]));
        var redundant = Dag(DebianOs(), OpenMpi(), Action("app", after: ["mpi", "os"]));

        Assert.Equal(plain["app"].Identity, redundant["app"].Identity);
    }

    [Fact]
    public void Args_are_length_prefixed_so_that_shifting_text_between_fields_changes_the_identity()
    {
        var a = ActionIdentityHasher.Compute("k", Args(("ab", "c")), []);
        var b = ActionIdentityHasher.Compute("k", Args(("a", "bc")), []);
        var c = ActionIdentityHasher.Compute("ka", Args(("b", "c")), []);

        Assert.Equal(3, new[] { a, b, c }.Distinct().Count());
    }

    [Fact]
    public void Parse_refuses_text_that_is_not_an_identity()
    {
        Assert.Throws<FormatException>(() => ActionIdentity.Parse("xyz"));
        Assert.Throws<FormatException>(() => ActionIdentity.Parse(new string('A', 32)));
    }
}
