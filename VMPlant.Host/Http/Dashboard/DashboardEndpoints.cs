using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace VMPlant.Host.Http.Dashboard;

/// <summary>
/// The read-only dashboard: a static page (HTML, CSS, JS embedded in the host) at /, its data as JSON at /api/state,
/// and the same state pushed as server-sent events at /api/stream whenever it changes.
/// </summary>
public static class DashboardEndpoints
{
    private static readonly TimeSpan Poll = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan KeepAlive = TimeSpan.FromSeconds(15);

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    private static readonly Dictionary<string, string> Assets = new()
    {
        ["/"] = "index.html",
        ["/dashboard.js"] = "dashboard.js",
        ["/dashboard.css"] = "dashboard.css",
    };

    public static void Map(IEndpointRouteBuilder app, DashboardService dashboard)
    {
        foreach (var (path, file) in Assets)
        {
            var bytes = Asset(file);
            var type = file.EndsWith(".js") ? "text/javascript" : file.EndsWith(".css") ? "text/css" : "text/html";
            app.MapGet(path, () => Results.Bytes(bytes, $"{type}; charset=utf-8"));
        }
        app.MapGet("/api/state", async () => Results.Json(await dashboard.StateAsync(), Json));
        app.MapGet("/api/stream", (HttpContext context) => StreamAsync(context, dashboard));
    }

    /// <summary>Server-sent events: the state at once, then again each time it differs; a comment line keeps proxies from closing it.</summary>
    private static async Task StreamAsync(HttpContext context, DashboardService dashboard)
    {
        var response = context.Response;
        var stop = context.RequestAborted;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        var last = "";
        var quietSince = DateTime.UtcNow;
        try
        {
            while (!stop.IsCancellationRequested)
            {
                var json = JsonSerializer.Serialize(await dashboard.StateAsync(), Json);
                if (json != last)
                {
                    await response.WriteAsync($"event: state\ndata: {json}\n\n", stop);
                    last = json;
                    quietSince = DateTime.UtcNow;
                }
                else if (DateTime.UtcNow - quietSince > KeepAlive)
                {
                    await response.WriteAsync(": keep-alive\n\n", stop);
                    quietSince = DateTime.UtcNow;
                }
                await response.Body.FlushAsync(stop);
                await Task.Delay(Poll, stop);
            }
        }
        catch (OperationCanceledException)
        {
            // The page went away.
        }
    }

    private static byte[] Asset(string file)
    {
        var name = $"VMPlant.Host.Http.Dashboard.wwwroot.{file}";
        using var stream = typeof(DashboardEndpoints).Assembly.GetManifestResourceStream(name)
                           ?? throw new InvalidOperationException($"dashboard asset {name} is not embedded in the host");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
