using Akka.Configuration;

namespace VMPlant.Host.Http;

/// <summary>The node's HTTP endpoints (vmplant.http): health probes, and whatever else the node serves over HTTP.</summary>
public sealed record HttpSettings(bool Enabled, string Hostname, int Port, TimeSpan ProbeTimeout, bool Metrics)
{
    public static HttpSettings From(Config config)
    {
        var http = config.GetConfig("vmplant.http");
        var port = http.GetInt("port");
        if (port is < 0 or > 65535)
            throw new ConfigurationException($"vmplant.http.port must be 0 (any free port) to 65535, not {port}");
        return new HttpSettings(http.GetBoolean("enabled"), http.GetString("hostname"), port, http.GetTimeSpan("probe-timeout"), http.GetBoolean("metrics"));
    }
}
