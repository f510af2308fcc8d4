using System.Collections.Immutable;
using VMPlant.Actors.Domain;
using Xunit;
using VMPlant.Messages;
using static VMPlant.Tests.Support.SpecBuilder;

namespace VMPlant.Tests.Actors.Domain.Specs;

public sealed class VmSpecValidatorSpec
{
    private static IReadOnlyList<string> ErrorsOf(VmSpec spec) => TextsOf(VmSpecValidator.Validate(spec));

    private static IReadOnlyList<string> ErrorsOf(params ActionSpec[] actions) => ErrorsOf(Spec(actions));

    [Fact]
    public void A_good_spec_has_no_errors()
    {
        Assert.Empty(ErrorsOf(DebianOs(), OpenMpi(), Action("hosts", "copy-file", 2, ["os"])));
        VmSpecValidator.EnsureValid(Spec(DebianOs()));
    }

    [Fact]
    public void A_spec_without_actions_is_empty()
    {
        Assert.Equal(["actions: the spec has no actions"], ErrorsOf(Spec()));
        Assert.Equal(["actions: the spec has no actions"], ErrorsOf(new VmSpec("v", Small, default)));
    }

    [Fact]
    public void A_missing_spec_is_reported_not_thrown() =>
        Assert.Equal(["spec: is missing"], ErrorsOf((VmSpec)null!));

    [Theory]
    [InlineData("", "name: is missing")]
    [InlineData("  ", "name: is missing")]
    [InlineData("-starts-with-dash", "name: '-starts-with-dash' is not a valid VM name (expected ^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$)")]
    [InlineData("has space", "name: 'has space' is not a valid VM name (expected ^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$)")]
    [InlineData("trailing-newline\n", "name: 'trailing-newline ' is not a valid VM name (expected ^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$)")]
    public void The_name_must_be_safe_for_libvirt(string name, string expected) =>
        Assert.Equal([expected], ErrorsOf(Spec(name, DebianOs())));

    [Fact]
    public void Names_up_to_64_characters_are_fine()
    {
        Assert.Empty(ErrorsOf(Spec("a" + new string('b', 63), DebianOs())));
        Assert.Single(ErrorsOf(Spec("a" + new string('b', 64), DebianOs())));
        Assert.Empty(ErrorsOf(Spec("node-01.grid_a", DebianOs())));
    }

    [Theory]
    [InlineData(0, 2048, 10, "resources.vcpus: 0 is out of range 1..1024")]
    [InlineData(1025, 2048, 10, "resources.vcpus: 1025 is out of range 1..1024")]
    [InlineData(2, 15, 10, "resources.memory-mib: 15 is out of range 16..16777216")]
    [InlineData(2, 16777217, 10, "resources.memory-mib: 16777217 is out of range 16..16777216")]
    [InlineData(2, 2048, 0, "resources.disk-gib: 0 is out of range 1..65536")]
    [InlineData(2, 2048, 65537, "resources.disk-gib: 65537 is out of range 1..65536")]
    public void Resources_must_be_in_range(int vcpus, long memory, long disk, string expected) =>
        Assert.Equal([expected], ErrorsOf(new VmSpec("v", new Resources(vcpus, memory, disk), [DebianOs()])));

    [Fact]
    public void Resource_bounds_are_inclusive()
    {
        Assert.Empty(ErrorsOf(new VmSpec("v", new Resources(1, 16, 1), [DebianOs()])));
        Assert.Empty(ErrorsOf(new VmSpec("v", new Resources(1024, 16L * 1024 * 1024, 64 * 1024), [DebianOs()])));
    }

    [Fact]
    public void Missing_resources_are_reported() =>
        Assert.Equal(["resources: is missing"], ErrorsOf(new VmSpec("v", null!, [DebianOs()])));

    [Fact]
    public void Ids_and_kinds_must_be_present()
    {
        Assert.Equal(
            ["actions[#2].id: is missing", "actions[#3].id: is missing", "actions[x].kind: is missing", "actions[y].kind: is missing"],
            ErrorsOf(DebianOs(), Action(""), Action(null!), Action("x", ""), Action("y", " ")));
    }

    [Theory]
    [InlineData("has space")]
    [InlineData("slash/y")]
    [InlineData("#1")]
    public void Ids_must_be_well_formed(string id) =>
        Assert.Equal(
            [$"actions[#1].id: '{id}' is not a valid action id (expected ^[A-Za-z0-9._-]{{1,64}}$)"],
            ErrorsOf(Action(id)));

    [Fact]
    public void Ids_may_be_64_characters_long()
    {
        Assert.Empty(ErrorsOf(Action(new string('i', 64))));
        Assert.Single(ErrorsOf(Action(new string('i', 65))));
    }

    [Theory]
    [InlineData("install-os")]
    [InlineData("set-property")]
    [InlineData("mount-nfs")]
    [InlineData("x2")]
    public void Known_kinds_and_kinds_spelled_like_them_are_accepted(string kind) =>
        Assert.Empty(ErrorsOf(Action("x", kind)));

    [Theory]
    [InlineData("Install-OS")]
    [InlineData("install_os")]
    [InlineData("2fa")]
    [InlineData("run script")]
    public void Other_kinds_are_rejected(string kind) =>
        Assert.Equal(
            [$"actions[x].kind: '{kind}' is not a known kind (install-os, install-package, copy-file, run-script, set-property) and does not match ^[a-z][a-z0-9-]*$"],
            ErrorsOf(Action("x", kind)));

    [Fact]
    public void Arg_keys_must_not_be_blank_and_values_not_null()
    {
        var args = ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal, new Dictionary<string, string>
        {
            [""] = "a",
            [" "] = "b",
            ["ok"] = null!,
        });

        Assert.Equal(
            ["actions[x].args: has a blank key", "actions[x].args: has a blank key", "actions[x].args.ok: is null"],
            ErrorsOf(Action("x", args: args)));
    }

    [Fact]
    public void Null_args_and_a_default_after_list_read_as_empty()
    {
        Assert.Empty(ErrorsOf(new ActionSpec("x", "run-script", null!, default, 1)));
        Assert.Empty(ConfigDag.Build(Spec(new ActionSpec("x", "run-script", null!, default, 1)))["x"].Args);
    }

    [Fact]
    public void After_must_name_other_existing_actions()
    {
        Assert.Equal(
            [
                "actions[mpi].after: unknown action 'ghost'",
                "actions[mpi].after: depends on itself",
                "actions[mpi].after: contains a blank id",
            ],
            ErrorsOf(DebianOs(), Action("mpi", after: ["os", "ghost", "mpi", "", "ghost", " "])));
    }

    [Fact]
    public void Ids_must_be_unique()
    {
        Assert.Equal(
            ["actions[os].id: is used by more than one action (#1, #3)"],
            ErrorsOf(DebianOs(), Action("x", after: ["os"]), Action("os"), Action("y")));
    }

    [Theory]
    [InlineData(double.NaN, "NaN")]
    [InlineData(double.PositiveInfinity, "Infinity")]
    [InlineData(double.NegativeInfinity, "-Infinity")]
    [InlineData(-1, "-1")]
    [InlineData(-0.5, "-0.5")]
    [InlineData(604800.5, "604800.5")]
    public void Costs_must_be_seconds_within_a_week(double cost, string shown) =>
        Assert.Equal(
            [$"actions[x].cost: {shown} is not between 0 and 604800 seconds (7 days)"],
            ErrorsOf(Action("x", cost: cost)));

    [Fact]
    public void Costs_from_zero_to_a_week_are_fine() =>
        Assert.Empty(ErrorsOf(Action("x", cost: 0), Action("y", cost: 604800)));

    [Fact]
    public void A_cycle_is_named_in_run_order_from_its_first_written_action()
    {
        Assert.Equal(
            ["actions[a].after: cycle: a -> b -> c -> a"],
            ErrorsOf(DebianOs(), Action("a", after: ["os", "c"]), Action("b", after: ["a"]), Action("c", after: ["b"])));
    }

    [Fact]
    public void A_two_action_cycle_is_named()
    {
        Assert.Equal(
            ["actions[b].after: cycle: b -> a -> b"],
            ErrorsOf(Action("b", after: ["a"]), Action("a", after: ["b"])));
    }

    [Fact]
    public void Each_separate_cycle_is_named_once_and_actions_merely_behind_a_cycle_are_not_blamed()
    {
        Assert.Equal(
            ["actions[a].after: cycle: a -> b -> a", "actions[x].after: cycle: x -> y -> z -> x"],
            ErrorsOf(
                Action("a", after: ["b"]),
                Action("b", after: ["a"]),
                Action("behind", after: ["b"]),
                Action("x", after: ["z"]),
                Action("y", after: ["x"]),
                Action("z", after: ["y"])));
    }

    [Fact]
    public void The_shortest_cycle_through_the_first_action_is_named()
    {
        // a -> b -> a and a -> c -> d -> a share a; one error for the group.
        Assert.Equal(
            ["actions[a].after: cycle: a -> b -> a"],
            ErrorsOf(Action("a", after: ["b", "d"]), Action("b", after: ["a"]), Action("c", after: ["a"]), Action("d", after: ["c"])));
    }

    [Fact]
    public void Two_actions_with_the_same_content_cannot_be_told_apart()
    {
        Assert.Equal(
            ["actions[again]: has the same kind, args and prerequisites as 'hosts', so the two cannot be told apart"],
            ErrorsOf(
                DebianOs(),
                Action("hosts", "copy-file", 2, ["os"], Args(("source", "/a"), ("target", "/b"))),
                Action("again", "copy-file", 9, ["os"], Args(("target", "/b"), ("source", "/a")))));
    }

    [Fact]
    public void Every_error_is_reported_at_once()
    {
        var spec = new VmSpec("bad name", new Resources(0, 2048, 10),
        [
            Action("os", "install-os", -5),
            Action("x", "Bad", after: ["nope"]),
        ]);

        Assert.Equal(
            [
                "name: 'bad name' is not a valid VM name (expected ^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$)",
                "resources.vcpus: 0 is out of range 1..1024",
                "actions[os].cost: -5 is not between 0 and 604800 seconds (7 days)",
                "actions[x].kind: 'Bad' is not a known kind (install-os, install-package, copy-file, run-script, set-property) and does not match ^[a-z][a-z0-9-]*$",
                "actions[x].after: unknown action 'nope'",
            ],
            ErrorsOf(spec));
    }

    [Fact]
    public void A_null_action_is_reported_by_position()
    {
        Assert.Equal(["actions[#2]: is missing"], ErrorsOf(DebianOs(), null!));
    }

    [Fact]
    public void Too_many_actions_are_refused()
    {
        var actions = Enumerable.Range(0, SpecLimits.MaxActions + 1).Select(i => Action($"a{i}")).ToArray();

        Assert.Equal(["actions: 10001 actions exceed the limit of 10000"], ErrorsOf(actions));
    }

    [Fact]
    public void EnsureValid_throws_with_every_error()
    {
        var e = Assert.Throws<SpecValidationException>(() => VmSpecValidator.EnsureValid(Spec("bad name", Action("x", cost: -1))));

        Assert.Null(e.SourceName);
        Assert.Equal(2, e.Errors.Count);
        Assert.Equal(
            string.Join(Environment.NewLine,
                "invalid VM spec:",
                "  - name: 'bad name' is not a valid VM name (expected ^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$)",
                "  - actions[x].cost: -1 is not between 0 and 604800 seconds (7 days)"),
            e.Message);
    }

    [Fact]
    public void Errors_expose_action_field_and_path()
    {
        var error = Assert.Single(VmSpecValidator.Validate(Spec(Action("x", cost: -1))));

        Assert.Equal("x", error.ActionId);
        Assert.Equal("cost", error.Field);
        Assert.Equal("actions[x].cost", error.Path);
    }
}
