using System.Collections.Immutable;
using VMPlant.Actors.Domain;
using VMPlant.Tests.Support;
using Xunit;
using static VMPlant.Tests.Support.SpecBuilder;

namespace VMPlant.Tests.Actors.Domain.Matching;

public sealed class ImageIndexSpec
{
    private static readonly DateTimeOffset Created = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly CostModel Model = new(CloneCost: 30, LoadWeight: 100);

    private static readonly GoldenImage Base = GoldenImage.Base("base", "base.qcow2", 1_000, Created);

    private static GoldenImage Image(string id, ConfigDag dag, params string[] actionIds)
    {
        var actions = actionIds.Select(a => dag[a]).ToList();
        return new GoldenImage(id, id + ".qcow2", [.. actions.Select(a => a.Identity)], actions.Sum(a => a.Cost), 10_000, Created);
    }

    private static ConfigDag MpiNode() => Dag(DebianOs(), OpenMpi(), Action("hosts", "copy-file", 2, ["os"]));

    /// <summary>Shares only the OS with <see cref="MpiNode"/>, under another id.</summary>
    private static ConfigDag WebNode() =>
        Dag(DebianOs("debian"), Action("nginx", "install-package", 90, ["debian"], Args(("package", "nginx"))));

    [Fact]
    public void An_image_matches_when_its_actions_are_a_subset_of_the_request()
    {
        var node = MpiNode();
        var osAndMpi = Image("os+mpi", node, "os", "mpi");

        Assert.True(osAndMpi.CanServe(node));
        Assert.True(Base.CanServe(node));
        Assert.False(osAndMpi.CanServe(WebNode()));
    }

    [Fact]
    public void An_os_only_image_serves_a_spec_that_shares_only_the_os()
    {
        var osOnly = Image("debian-12", MpiNode(), "os");
        var index = ImageIndex.Empty.Add(Base).Add(osOnly).Add(Image("os+mpi", MpiNode(), "os", "mpi"));

        var match = index.FindBest(WebNode(), Model, 0)!;

        Assert.Equal("debian-12", match.Image.ImageId);
        Assert.Equal(["debian"], match.Reused.Select(a => a.Id));
        Assert.Equal(["nginx"], match.Missing.Select(a => a.Id));
        Assert.Equal(30 + 90, match.CostToFinish);
    }

    [Fact]
    public void The_solver_example_reuses_an_image_of_the_mpi_node_examples_os_and_mpi()
    {
        var node = ConfigDag.Build(VmSpecParser.ParseFile(RepoPaths.Example("debian-mpi.conf")));
        var solver = ConfigDag.Build(VmSpecParser.ParseFile(RepoPaths.Example("debian-mpi-solver.conf")));
        var web = ConfigDag.Build(VmSpecParser.ParseFile(RepoPaths.Example("centos-web.conf")));
        var index = ImageIndex.Empty
            .Add(Base)
            .Add(GoldenImage.FromDag("mpi-node-full", "v1", node, 1, Created))
            .Add(Image("mpi-node-os+mpi", node, "os", "mpi"))
            .Add(GoldenImage.FromDag("web-full", "v2", web, 1, Created));

        var match = index.FindBest(solver, Model, 0)!;

        Assert.Equal("mpi-node-os+mpi", match.Image.ImageId);
        Assert.Equal(["debian", "openmpi"], match.Reused.Select(a => a.Id));
        Assert.Equal(["petsc", "build-solver", "swappiness"], match.Missing.Select(a => a.Id));
        Assert.Equal(30 + 300 + 900 + 1, match.CostToFinish);
    }

    [Fact]
    public void An_image_with_an_action_the_request_lacks_does_not_match()
    {
        var node = MpiNode();
        var withExtra = Dag(DebianOs(), OpenMpi(), Action("hosts", "copy-file", 2, ["os"]), Action("extra", after: ["os"]));
        var index = ImageIndex.Empty.Add(Base).Add(Image("bigger", withExtra, "os", "mpi", "hosts", "extra"));

        var match = index.FindBest(node, Model, 0)!;

        Assert.Equal("base", match.Image.ImageId);
        Assert.False(index.TryGetImage("bigger", out var bigger) && bigger.CanServe(node));
    }

    [Fact]
    public void Cost_is_clone_plus_missing_work_plus_weighted_load()
    {
        var node = MpiNode();
        var index = ImageIndex.Empty.Add(Base).Add(Image("os", node, "os"));

        var match = index.FindBest(node, new CostModel(CloneCost: 45, LoadWeight: 200), 0.25)!;

        Assert.Equal("os", match.Image.ImageId);
        Assert.Equal(45 + (120 + 2) + 200 * 0.25, match.CostToFinish);
        Assert.Equal(122, match.MissingCost);
    }

    [Fact]
    public void The_base_image_always_matches()
    {
        var node = MpiNode();

        var match = ImageIndex.Empty.Add(Base).FindBest(node, Model, 1)!;

        Assert.Same(Base, match.Image);
        Assert.Empty(match.Reused);
        Assert.Equal(node.Actions, match.Missing);
        Assert.Equal(30 + node.TotalCost + 100, match.CostToFinish);
    }

    [Fact]
    public void No_match_without_a_fitting_image()
    {
        Assert.Null(ImageIndex.Empty.FindBest(MpiNode(), Model, 0));
        Assert.Null(ImageIndex.Empty.Add(Image("web", WebNode(), "debian", "nginx")).FindBest(MpiNode(), Model, 0));
    }

    [Fact]
    public void The_largest_saving_wins_even_over_an_image_with_more_actions()
    {
        var dag = Dag(Action("big", cost: 500), Action("s1", cost: 10), Action("s2", cost: 10), Action("s3", cost: 10));
        var index = ImageIndex.Empty.Add(Base)
            .Add(Image("three-small", dag, "s1", "s2", "s3"))
            .Add(Image("one-big", dag, "big"));

        Assert.Equal("one-big", index.FindBest(dag, Model, 0)!.Image.ImageId);
    }

    [Fact]
    public void Costs_are_the_requests_not_the_images()
    {
        // The image was built by someone who guessed 5 s for the OS; this request says 600 s.
        var cheapGuess = Dag(DebianOs(cost: 5));
        var osImage = Image("os", cheapGuess, "os");
        var request = MpiNode();

        var match = ImageIndex.Empty.Add(Base).Add(osImage).FindBest(request, Model, 0)!;

        Assert.Equal("os", match.Image.ImageId);
        Assert.Equal(30 + 122, match.CostToFinish);
    }

    [Fact]
    public void Equal_costs_go_to_more_reused_actions_then_to_the_first_image_id()
    {
        var dag = Dag(Action("a", cost: 10), Action("free", cost: 0), Action("b", cost: 10));
        var index = ImageIndex.Empty
            .Add(Image("z-a-and-free", dag, "a", "free"))
            .Add(Image("y-a", dag, "a"))
            .Add(Image("x-b", dag, "b"))
            .Add(Image("w-b-and-free", dag, "b", "free"));

        Assert.Equal("w-b-and-free", index.FindBest(dag, Model, 0)!.Image.ImageId);
        Assert.Equal("x-b", index.Remove("w-b-and-free").Remove("z-a-and-free").FindBest(dag, Model, 0)!.Image.ImageId);
    }

    [Fact]
    public void Missing_actions_come_in_an_order_that_respects_every_edge()
    {
        var dag = Dag(
            Action("app", after: ["lib", "conf"]),
            Action("conf", after: ["os"]),
            Action("lib", after: ["os"]),
            Action("os"),
            Action("tool", after: ["lib"]));
        var index = ImageIndex.Empty.Add(Image("os", dag, "os"));

        var match = index.FindBest(dag, Model, 0)!;

        Assert.Equal(["conf", "lib", "app", "tool"], match.Missing.Select(a => a.Id));
        Assert.Equal(match.Missing, dag.InTopologicalOrder(match.Missing));
    }

    [Fact]
    public void Adding_and_removing_return_new_indexes()
    {
        var node = MpiNode();
        var empty = ImageIndex.Empty;
        var one = empty.Add(Base);
        var two = one.Add(Image("os", node, "os"));

        Assert.Equal(0, empty.Count);
        Assert.Equal(1, one.Count);
        Assert.Equal(2, two.Count);
        Assert.Equal("base", one.FindBest(node, Model, 0)!.Image.ImageId);
        Assert.Equal("os", two.FindBest(node, Model, 0)!.Image.ImageId);
        Assert.Equal("base", two.Remove("os").FindBest(node, Model, 0)!.Image.ImageId);
        Assert.Same(two, two.Remove("unknown"));
        Assert.Equal(["base", "os"], two.Images.Select(i => i.ImageId));
    }

    [Fact]
    public void Adding_an_image_with_a_known_id_replaces_it()
    {
        var node = MpiNode();
        var index = ImageIndex.Empty.Add(Image("img", node, "os")).Add(Image("img", node, "os", "mpi"));

        Assert.Equal(1, index.Count);
        Assert.Equal(["hosts"], index.FindBest(node, Model, 0)!.Missing.Select(a => a.Id));
    }

    [Fact]
    public void FindExact_finds_only_the_same_set()
    {
        var node = MpiNode();
        var index = ImageIndex.Empty.Add(Base).Add(Image("os", node, "os")).Add(Image("os+mpi", node, "os", "mpi"));

        Assert.Equal("os+mpi", index.FindExact(new HashSet<ActionIdentity> { node["mpi"].Identity, node["os"].Identity })!.ImageId);
        Assert.Equal("base", index.FindExact(new HashSet<ActionIdentity>())!.ImageId);
        Assert.Null(index.FindExact(node.Identities));
        Assert.Null(index.FindExact(new HashSet<ActionIdentity> { node["hosts"].Identity }));
    }

    [Theory]
    [InlineData(-0.01)]
    [InlineData(1.01)]
    [InlineData(double.NaN)]
    public void Utilisation_must_be_a_fraction(double utilisation)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ImageIndex.Empty.Add(Base).FindBest(MpiNode(), Model, utilisation));
    }

    [Fact]
    public void Images_and_cost_models_refuse_nonsense()
    {
        Assert.Throws<ArgumentException>(() => new GoldenImage(" ", "v", [], 0, 0, Created));
        Assert.Throws<ArgumentOutOfRangeException>(() => new GoldenImage("i", "v", [], -1, 0, Created));
        Assert.Throws<ArgumentOutOfRangeException>(() => new GoldenImage("i", "v", [], double.NaN, 0, Created));
        Assert.Throws<ArgumentOutOfRangeException>(() => new GoldenImage("i", "v", [], 0, -1, Created));
        Assert.Throws<ArgumentOutOfRangeException>(() => new CostModel(-1, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new CostModel(0, double.PositiveInfinity));
    }

    [Fact]
    public void An_image_made_from_a_dag_holds_all_of_it()
    {
        var node = MpiNode();

        var image = GoldenImage.FromDag("img", "img.qcow2", node, 123, Created);

        Assert.True(image.Actions.SetEquals(node.Identities));
        Assert.Equal(node.TotalCost, image.BuildCost);
        Assert.False(image.IsBase);
        Assert.True(Base.IsBase);
        Assert.Equal(ImmutableHashSet<ActionIdentity>.Empty, Base.Actions);
    }
}
