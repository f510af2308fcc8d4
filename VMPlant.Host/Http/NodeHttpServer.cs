using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using VMPlant.Actors.Diagnostics;
using VMPlant.Host.Http.Dashboard;
using VMPlant.Host.Node;

namespace VMPlant.Host.Http;

/// <summary>
/// The node's HTTP side (ASP.NET Core, Kestrel) on vmplant.http.hostname:port: /health/live and /health/ready, and
/// /metrics for Prometheus when vmplant.http.metrics is on, and the read-only dashboard at / (data: /api/state, /api/stream).
/// It never writes to stdout (ASP.NET's console logging is removed) and never handles signals (the serve
/// command owns Ctrl-C and SIGTERM).
/// </summary>
public sealed class NodeHttpServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly DashboardService _dashboard;

    private NodeHttpServer(WebApplication app, DashboardService dashboard, string url)
    {
        _app = app;
        _dashboard = dashboard;
        Url = url;
    }

    /// <summary>The base URL actually bound, e.g. http://127.0.0.1:8558 (the real port when 0 was asked for).</summary>
    public string Url { get; }

    public bool ServesMetrics { get; private init; }

    public static async Task<NodeHttpServer> StartAsync(VmPlantNode node, HttpSettings settings)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton<IHostLifetime, NoSignalLifetime>();
        var addresses = await ListenAddressesAsync(settings.Hostname);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            foreach (var address in addresses) kestrel.Listen(address, settings.Port);
        });
        if (settings.Metrics) AddMetrics(builder, node);
        var app = builder.Build();
        MapHealth(app, new HealthProbes(node, settings.ProbeTimeout));
        if (settings.Metrics) app.MapPrometheusScrapingEndpoint(MetricsPath);
        var dashboard = new DashboardService(node, settings.ProbeTimeout);
        DashboardEndpoints.Map(app, dashboard);
        try
        {
            await app.StartAsync();
        }
        catch (IOException e)
        {
            await app.DisposeAsync();
            dashboard.Dispose();
            throw new IOException($"cannot serve HTTP on {settings.Hostname}:{settings.Port} (vmplant.http.port, VMPLANT_HTTP_PORT): {e.Message}", e);
        }
        var bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        // Kestrel reports the literal address it bound; show the configured host name with the actual port.
        var port = new Uri(bound).Port;
        var host = settings.Hostname.Contains(':') && !settings.Hostname.StartsWith('[') ? $"[{settings.Hostname}]" : settings.Hostname;
        return new NodeHttpServer(app, dashboard, $"http://{host}:{port}") { ServesMetrics = settings.Metrics };
    }

    public const string MetricsPath = "/metrics";

    /// <summary>VMPlant's meter plus .NET runtime and process metrics, read by the Prometheus exporter at each scrape.</summary>
    private static void AddMetrics(WebApplicationBuilder builder, VmPlantNode node) =>
        builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("vmplant", serviceInstanceId: node.Settings.Address))
            .WithMetrics(metrics => metrics
                .AddMeter(VmPlantMetrics.MeterName)
                .AddRuntimeInstrumentation()
                .AddProcessInstrumentation()
                .AddPrometheusExporter());

    private static void MapHealth(WebApplication app, HealthProbes probes)
    {
        app.MapGet("/health/live", () => Answer(probes.Live()));
        app.MapGet("/health/ready", async () => Answer(await probes.ReadyAsync()));
    }

    private static IResult Answer(HealthReport report) =>
        Results.Json(report, statusCode: report.Ok ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);

    /// <summary>The node's host name as addresses to listen on: an IP literal as is, a name as what it resolves to.</summary>
    private static async Task<IPAddress[]> ListenAddressesAsync(string hostname)
    {
        if (IPAddress.TryParse(hostname.Trim('[', ']'), out var ip)) return [ip];
        var resolved = await Dns.GetHostAddressesAsync(hostname);
        if (resolved.Length == 0) throw new IOException($"vmplant.http.hostname {hostname} resolves to no address");
        return resolved.Distinct().ToArray();
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _dashboard.Dispose();
    }

    /// <summary>Starts and stops with the node; leaves process signals to the serve command.</summary>
    private sealed class NoSignalLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
