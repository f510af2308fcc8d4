using VMPlant.Actors.Domain;
using VMPlant.Messages;
using VMPlant.Tests.Support;
using Xunit;

namespace VMPlant.Tests.Http;

/// <summary>GET /metrics (vmplant.http.metrics = on) after real creates on an in-process node: VMPlant's counters and
/// histograms in Prometheus text, next to the .NET runtime and process metrics.</summary>
[Collection("failover")]
public sealed class MetricsEndpointSpec : IAsyncLifetime
{
    private readonly TempDirectory _data = new("vmplant-metrics");
    private InProcessNode _node = null!;

    public async Task InitializeAsync() => _node = await InProcessNode.StartAsync(_data.Path, $$"""
        vmplant.http.metrics = on
        vmplant.plants = [
          { name = alpha, test-node { cpus = 8, memory-mib = 16384, pool-gib = 80 } }
          { name = tiny, test-node { cpus = 1, memory-mib = 1024, pool-gib = 20 } }
        ]
        """, expectedPlants: 2);

    public async Task DisposeAsync()
    {
        await _node.DisposeAsync();
        _data.Dispose();
    }

    [Fact]
    public async Task Metrics_text_has_the_counters_after_a_create()
    {
        var spec = VmSpecParser.ParseFile(Path.Combine(RepoPaths.Examples, "debian-mpi.conf"));
        await _node.AskAsync<VmCreated>(new CreateVm("metrics-1", spec));
        await _node.AskAsync<VmCreated>(new CreateVm("metrics-2", spec));
        using var http = new HttpProbe(_node.Node.Http!.Url);

        var expected = new[]
        {
            "vmplant_requests_total{otel_scope_name=\"VMPlant\",otel_scope_version=\"1.0\",outcome=\"created\"}",
            "vmplant_placement_duration_seconds_bucket",
            "vmplant_create_duration_seconds_count",
            "vmplant_bids_total{otel_scope_name=\"VMPlant\",otel_scope_version=\"1.0\",plant=\"alpha\"}",
            "vmplant_declines_total{otel_scope_name=\"VMPlant\",otel_scope_version=\"1.0\",plant=\"tiny\",reason=\"memory\"}",
            "result=\"miss\"",
            "result=\"full\"",
            "vmplant_cache_work_saved_seconds_total",
            "vmplant_images_published_total",
            "vmplant_journal_write_duration_seconds_bucket",
            "vmplant_plants_registered",
            "vmplant_shop_singleton_changes_total",
            "process_cpu_time",
            "dotnet_gc_collections_total",
        };
        var text = "";
        var deadline = DateTime.UtcNow.AddSeconds(60);
        // The exporter caches a scrape briefly; wait until a scrape shows everything or the ceiling passes.
        while (DateTime.UtcNow < deadline)
        {
            text = await http.GetTextAsync("/metrics");
            if (expected.All(text.Contains)) break;
            await Task.Delay(500);
        }
        Assert.All(expected, name => Assert.Contains(name, text));
        Assert.Contains("vmplant_plants_registered{otel_scope_name=\"VMPlant\",otel_scope_version=\"1.0\"} 2", text);
    }
}
