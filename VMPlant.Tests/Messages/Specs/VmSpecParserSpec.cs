using VMPlant.Actors.Domain;
using VMPlant.Tests.Support;
using Xunit;
using static VMPlant.Tests.Support.SpecBuilder;

namespace VMPlant.Tests.Messages.Specs;

public sealed class VmSpecParserSpec
{
    private const string MpiNode = """
        name = "mpi-node"
        resources { vcpus = 2, memory-mib = 2048, disk-gib = 10 }
        actions = [
          { id = os, kind = install-os, args = { distro = debian, release = "12" }, cost = 600 }
          { id = mpi, kind = install-package, args = { package = openmpi }, after = [os], cost = 120 }
          { id = hosts, kind = copy-file, args = { source = "/etc/hosts.grid", target = "/etc/hosts" }, after = [os], cost = 2 }
        ]
        """;

    [Fact]
    public void Reads_name_resources_and_actions()
    {
        var spec = VmSpecParser.Parse(MpiNode, "mpi-node.conf");

        Assert.Equal("mpi-node", spec.Name);
        Assert.Equal(new VMPlant.Messages.Resources(2, 2048, 10), spec.Resources);
        Assert.Equal(["os", "mpi", "hosts"], spec.Actions.Select(a => a.Id));
        var os = spec.Actions[0];
        Assert.Equal("install-os", os.Kind);
        Assert.Equal(Args(("distro", "debian"), ("release", "12")), os.Args);
        Assert.Empty(os.After);
        Assert.Equal(600, os.Cost);
        Assert.Equal(["os"], spec.Actions[1].After.ToArray());
        Assert.Equal("/etc/hosts.grid", spec.Actions[2].Args["source"]);
    }

    [Fact]
    public void Canonicalises_every_kind_of_arg_value_to_a_string()
    {
        var spec = VmSpecParser.Parse("""
            name = v
            resources { vcpus = 1, memory-mib = 64, disk-gib = 1 }
            actions = [
              {
                id = x
                kind = run-script
                args = {
                  unquoted = debian
                  quoted = "hello world"
                  spaced = hello world
                  empty = ""
                  integer = 12
                  decimal = 1.50
                  negative = -3
                  yes = true
                  no = false
                  packages = [openmpi-bin, "lib open", 3, true]
                  none = []
                  nested = [[a], []]
                  object = { b = 2, a = [x] }
                  "net.ipv4.ip_forward" = 1
                  text = "tab\there é <&>"
                }
              }
            ]
            """, "kinds.conf");

        var args = spec.Actions.Single().Args;
        Assert.Equal("debian", args["unquoted"]);
        Assert.Equal("hello world", args["quoted"]);
        Assert.Equal("hello world", args["spaced"]);
        Assert.Equal("", args["empty"]);
        Assert.Equal("12", args["integer"]);
        Assert.Equal("1.50", args["decimal"]);
        Assert.Equal("-3", args["negative"]);
        Assert.Equal("true", args["yes"]);
        Assert.Equal("false", args["no"]);
        Assert.Equal("""["openmpi-bin","lib open","3","true"]""", args["packages"]);
        Assert.Equal("[]", args["none"]);
        Assert.Equal("""[["a"],[]]""", args["nested"]);
        Assert.Equal("""{"a":["x"],"b":"2"}""", args["object"]);
        Assert.Equal("1", args["net.ipv4.ip_forward"]);
        Assert.Equal("tab\there é <&>", args["text"]);
    }

    [Fact]
    public void Lists_are_canonicalised_the_same_however_they_are_quoted_or_laid_out()
    {
        static string Packages(string list) => VmSpecParser.Parse($$"""
            name = v
            resources { vcpus = 1, memory-mib = 64, disk-gib = 1 }
            actions = [ { id = x, kind = install-package, args = { packages = {{list}} } } ]
            """, "list.conf").Actions[0].Args["packages"];

        Assert.Equal("""["a","b"]""", Packages("[a, b]"));
        Assert.Equal("""["a","b"]""", Packages("""["a", "b"]"""));
        Assert.Equal("""["a","b"]""", Packages("[\n a\n b\n]"));
        Assert.Equal("""["a","b"]""", Packages("[a] [b]"));
        Assert.Equal("[]", Packages("[ ]"));
    }

    [Fact]
    public void After_may_be_a_single_id_and_args_after_and_cost_are_optional()
    {
        var spec = VmSpecParser.Parse("""
            name = v
            resources { vcpus = 1, memory-mib = 64, disk-gib = 1 }
            actions = [
              { id = os, kind = install-os }
              { id = tune, kind = set-property, after = os }
            ]
            """, "optional.conf");

        Assert.Empty(spec.Actions[0].Args);
        Assert.Empty(spec.Actions[0].After);
        Assert.Equal(0, spec.Actions[0].Cost);
        Assert.Equal(["os"], spec.Actions[1].After.ToArray());
    }

    [Fact]
    public void Substitutions_can_share_values_within_a_file()
    {
        var spec = VmSpecParser.Parse("""
            debian = { distro = debian, release = "12" }
            base-actions = [ { id = os, kind = install-os, args = ${debian}, cost = 600 } ]
            name = v
            resources { vcpus = 1, memory-mib = 64, disk-gib = 1 }
            actions = ${base-actions} [ { id = mpi, kind = install-package, args = { package = openmpi }, after = [os] } ]
            """, "shared.conf");

        Assert.Equal(["os", "mpi"], spec.Actions.Select(a => a.Id));
        Assert.Equal(Args(("distro", "debian"), ("release", "12")), spec.Actions[0].Args);
    }

    [Fact]
    public void Bad_hocon_names_the_source_and_the_parser_error()
    {
        var e = Assert.Throws<SpecValidationException>(() => VmSpecParser.Parse("name = $oops", "broken.conf"));

        Assert.Equal("broken.conf", e.SourceName);
        var error = Assert.Single(e.Errors);
        Assert.Equal("hocon", error.Path);
        Assert.StartsWith("invalid VM spec in \"broken.conf\": hocon: ", e.Message);
        Assert.Contains(error.Message, e.Message);
    }

    [Fact]
    public void A_comma_after_an_object_written_without_equals_gets_a_hint()
    {
        var e = Assert.Throws<SpecValidationException>(() => VmSpecParser.Parse("""
            name = v
            resources { vcpus = 1, memory-mib = 64, disk-gib = 1 }
            actions = [ { id = os, kind = install-os, args { distro = debian }, cost = 600 } ]
            """, "comma.conf"));

        var error = Assert.Single(e.Errors);
        Assert.Matches(@"^hocon: line 3, column \d+: Unknown token", error.Message);
        Assert.EndsWith(
            "hint: Akka's HOCON parser rejects a comma after 'key { ... }'; write 'key = { ... },' or end the line instead",
            error.Message);
    }

    [Theory]
    [InlineData("include \"other.conf\"\nname = v", "hocon: line 1, column 1: include \"other.conf\" is not supported: keep a spec in one file")]
    [InlineData("a = [${?b}]", "hocon: line 1, column 6: optional substitutions (${?...}) are not supported")]
    [InlineData("a = ${nope}", "hocon: line 1, column 5: Unresolved substitution: nope")]
    [InlineData("a = [1]\na = ${a} [2]",
        "hocon: a substitution refers to itself (HOCON self-references such as 'a = ${a} [...]' are not supported)")]
    public void Hocon_the_parser_cannot_handle_safely_is_refused(string text, string expected)
    {
        var e = Assert.Throws<SpecValidationException>(() => VmSpecParser.Parse(text, "refused.conf"));

        Assert.StartsWith(expected, Assert.Single(TextsOf(e.Errors)));
    }

    [Fact]
    public void Every_problem_of_form_is_reported_at_once()
    {
        var e = Assert.Throws<SpecValidationException>(() => VmSpecParser.Parse("""
            resources { vcpus = two, memory-mib = [1], gpus = 1 }
            actions = [
              { kind = install-os, cost = 600 }
              { id = mpi, kind = [install-package], afetr = [os], args = { a = null, b = [x, null] }, cost = cheap }
              { id = tune, kind = set-property, args = [k, v], after = { x = 1 }, cost = [1] }
              plain
            ]
            """, "form.conf"));

        Assert.Equal(
            [
                "name: is missing",
                "resources.gpus: unknown field (expected one of vcpus, memory-mib, disk-gib)",
                "resources.vcpus: expected an integer, got \"two\"",
                "resources.memory-mib: expected an integer",
                "resources.disk-gib: is missing",
                "actions[#1].id: is missing",
                "actions[mpi].afetr: unknown field (expected one of id, kind, args, after, cost)",
                "actions[mpi].kind: expected a string",
                "actions[mpi].args.a: is null",
                "actions[mpi].args.b: contains a value that is null",
                "actions[mpi].cost: expected a number of seconds, got \"cheap\"",
                "actions[tune].args: expected an object",
                "actions[tune].after: expected a list of action ids",
                "actions[tune].cost: expected a number of seconds",
                "actions[#4]: expected an object",
            ],
            TextsOf(e.Errors));
    }

    [Fact]
    public void Missing_resources_and_actions_are_reported()
    {
        var e = Assert.Throws<SpecValidationException>(() => VmSpecParser.Parse("name = v", "empty.conf"));

        Assert.Equal(["resources: is missing", "actions: is missing"], TextsOf(e.Errors));
    }

    [Fact]
    public void Parsing_checks_form_only_and_leaves_content_to_validation()
    {
        var spec = VmSpecParser.Parse("""
            name = "not a libvirt name"
            resources { vcpus = 0, memory-mib = 1, disk-gib = 0 }
            actions = [ { id = x, kind = "Not A Kind", after = [ghost], cost = -1 } ]
            """, "content.conf");

        Assert.Equal(
            [
                "name: 'not a libvirt name' is not a valid VM name (expected ^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$)",
                "resources.vcpus: 0 is out of range 1..1024",
                "resources.memory-mib: 1 is out of range 16..16777216",
                "resources.disk-gib: 0 is out of range 1..65536",
                "actions[x].kind: 'Not A Kind' is not a known kind (install-os, install-package, copy-file, run-script, set-property) and does not match ^[a-z][a-z0-9-]*$",
                "actions[x].after: unknown action 'ghost'",
                "actions[x].cost: -1 is not between 0 and 604800 seconds (7 days)",
            ],
            TextsOf(VmSpecValidator.Validate(spec)));
    }

    [Fact]
    public void Reads_an_actions_only_file()
    {
        var actions = VmSpecParser.ParseActions("""
            actions = [ { id = tools, kind = install-package, args = { packages = [htop] }, after = [mpi], cost = 45 } ]
            """, "more.conf");

        var tools = Assert.Single(actions);
        Assert.Equal("tools", tools.Id);
        Assert.Equal(["mpi"], tools.After.ToArray());
        Assert.Equal("""["htop"]""", tools.Args["packages"]);
    }

    [Fact]
    public void An_actions_only_file_needs_actions()
    {
        var e = Assert.Throws<SpecValidationException>(() => VmSpecParser.ParseActions("stuff = 1", "more.conf"));

        Assert.Equal(["actions: is missing"], TextsOf(e.Errors));
        Assert.Equal("more.conf", e.SourceName);
    }

    [Theory]
    [InlineData("debian-mpi.conf", "mpi-node", 4)]
    [InlineData("debian-mpi-solver.conf", "solver-01", 5)]
    [InlineData("centos-web.conf", "web-01", 4)]
    public void The_examples_parse_and_build(string file, string name, int actions)
    {
        var spec = VmSpecParser.ParseFile(RepoPaths.Example(file));
        var dag = ConfigDag.Build(spec);

        Assert.Equal(name, dag.Name);
        Assert.Equal(actions, dag.Actions.Count);
    }

    [Fact]
    public void The_bad_example_parses_but_fails_validation_naming_its_cycle()
    {
        var spec = VmSpecParser.ParseFile(RepoPaths.Example("bad-cycle.conf"));

        var e = Assert.Throws<SpecValidationException>(() => ConfigDag.Build(spec));
        Assert.Equal(["actions[a].after: cycle: a -> b -> c -> a"], TextsOf(e.Errors));
    }

    [Fact]
    public void The_example_actions_file_extends_an_mpi_node()
    {
        var node = ConfigDag.Build(VmSpecParser.ParseFile(RepoPaths.Example("debian-mpi.conf")));
        var more = VmSpecParser.ParseActionsFile(RepoPaths.Example("mpi-node-add-tools.conf"));

        var extended = node.Extend(more);

        Assert.Equal(["os", "mpi", "hosts", "ssh-keys", "tools", "motd"], extended.Actions.Select(a => a.Id));
    }

    [Fact]
    public void Every_example_file_is_covered_by_a_test()
    {
        var files = Directory.GetFiles(RepoPaths.Examples, "*.conf").Select(Path.GetFileName).Order();

        Assert.Equal(
            ["bad-cycle.conf", "centos-web.conf", "debian-mpi-solver.conf", "debian-mpi.conf", "mpi-node-add-tools.conf",
                "real-busybox-job.conf", "real-debian-hello.conf"],
            files);
    }

    [Theory]
    [InlineData("real-busybox-job.conf", "install-os")]
    [InlineData("real-debian-hello.conf", "install-package")]
    public void The_real_vm_examples_read_with_every_action_kind_they_need(string file, string kind)
    {
        var spec = VmSpecParser.ParseFile(Path.Combine(RepoPaths.Examples, file));

        Assert.Contains(spec.Actions, a => a.Kind == kind);
        Assert.All(spec.Actions, a => Assert.False(string.IsNullOrEmpty(a.Id)));
    }

    [Fact]
    public void A_file_that_cannot_be_read_is_an_io_error()
    {
        Assert.ThrowsAny<IOException>(() => VmSpecParser.ParseFile(Path.Combine(RepoPaths.Root, "no-such-spec.conf")));
    }
}
