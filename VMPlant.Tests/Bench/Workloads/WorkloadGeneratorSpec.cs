using VMPlant.Actors.Domain;
using VMPlant.Bench.Workloads;
using VMPlant.Tests.Support;
using Xunit;

namespace VMPlant.Tests.Bench.Workloads;

public sealed class WorkloadGeneratorSpec
{
    private static readonly WorkloadOptions Small = new(Seed: 7, Requests: 300);

    [Fact]
    public void The_same_seed_gives_the_same_workload()
    {
        var first = WorkloadGenerator.Generate(Small);
        var second = WorkloadGenerator.Generate(Small);

        Assert.Equal(WorkloadFile.ToJson(first), WorkloadFile.ToJson(second));
    }

    [Fact]
    public void Another_seed_gives_another_workload()
    {
        var first = WorkloadGenerator.Generate(Small);
        var other = WorkloadGenerator.Generate(Small with { Seed = 8 });

        Assert.NotEqual(WorkloadFile.ToJson(first), WorkloadFile.ToJson(other));
    }

    [Fact]
    public void A_saved_workload_loads_back_identical()
    {
        using var dir = new TempDirectory();
        var workload = WorkloadGenerator.Generate(Small);
        var file = Path.Combine(dir.Path, "grid.json");

        WorkloadFile.Save(workload, file);
        var loaded = WorkloadFile.Load(file);

        Assert.Equal(WorkloadFile.ToJson(workload), WorkloadFile.ToJson(loaded));
        Assert.Equal(workload.Options, loaded.Options);
        // The same content identities, so a replay reuses exactly what the original run reused.
        for (var i = 0; i < workload.Requests.Length; i++)
            Assert.Equal(ConfigDag.Build(workload.Requests[i].Spec).Actions.Select(a => a.Identity), ConfigDag.Build(loaded.Requests[i].Spec).Actions.Select(a => a.Identity));
    }

    [Fact]
    public void Every_request_is_a_valid_spec_with_realistic_costs()
    {
        var workload = WorkloadGenerator.Generate(Small);

        Assert.Equal(300, workload.Requests.Length);
        foreach (var request in workload.Requests)
        {
            var dag = ConfigDag.Build(request.Spec);
            var os = Assert.Single(dag.Actions, a => a.Kind == "install-os");
            Assert.InRange(os.Cost, 420, 1200);
            Assert.All(dag.Actions, a => Assert.InRange(a.Cost, 1, 2400));
            Assert.True(request.Lifetime >= 1);
        }
    }

    [Fact]
    public void Stacks_of_one_family_share_their_os_and_middleware_prefix()
    {
        var workload = WorkloadGenerator.Generate(Small);
        var byFamily = workload.Requests
            .GroupBy(r => string.Join("/", r.Stack.Split('/').Take(2)))
            .First(g => g.Select(r => r.Stack).Distinct().Count() > 1);
        var stacks = byFamily.GroupBy(r => r.Stack).Select(g => ConfigDag.Build(g.First().Spec)).Take(2).ToList();

        var shared = stacks[0].Identities.Intersect(stacks[1].Identities);
        var applications = stacks.Select(d => d.Actions.Single(a => a.Id == "app").Identity).ToList();

        Assert.Contains(stacks[0].Actions.Single(a => a.Id == "os").Identity, shared);
        Assert.NotEqual(applications[0], applications[1]);
    }

    [Fact]
    public void A_file_that_is_not_a_workload_is_rejected_with_its_name()
    {
        var error = Assert.Throws<SpecValidationException>(() => WorkloadFile.FromJson("""{ "format": "something-else" }""", "x.json"));

        Assert.Contains("x.json", error.Message);
    }

    [Fact]
    public void A_workload_file_with_an_invalid_spec_is_rejected()
    {
        var json = WorkloadFile.ToJson(WorkloadGenerator.Generate(Small with { Requests = 1 })).Replace("\"install-os\"", "\"Install OS\"");

        var error = Assert.Throws<SpecValidationException>(() => WorkloadFile.FromJson(json, "bad.json"));

        Assert.Contains("request 0", error.Message);
    }
}
