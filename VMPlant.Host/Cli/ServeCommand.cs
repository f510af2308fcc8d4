using System.CommandLine;
using Akka.Actor;
using Akka.Configuration;
using VMPlant.Host.Configuration;
using VMPlant.Host.Node;

namespace VMPlant.Host.Cli;

/// <summary>`serve`: run a node until Ctrl-C or SIGTERM, then leave the cluster cleanly.</summary>
public static class ServeCommand
{
    /// <summary>Start of the line that gives the node's HTTP base URL (harnesses read it).</summary>
    public const string HttpLinePrefix = "HTTP endpoints at ";

    public static Command Create()
    {
        var port = new Option<int?>("--port", "-p") { Description = "Remoting port (default from config: 4053; 0 = any free port)" };
        var dataDir = new Option<string?>("--data-dir") { Description = "Directory for the journal and test-driver hosts" };
        var httpPort = new Option<int?>("--http-port") { Description = "HTTP port for health probes (default from config: 8558; 0 = any free port)" };
        var real = new Option<bool>("--real") { Description = "Real VMs: one plant booting QEMU guests on qemu:///system (hocon/real.conf; ./vmplant image build first)" };
        var serve = new Command("serve", "Start a VMPlant node: shop singleton, plants and the client edge") { port, dataDir, httpPort, real };
        serve.SetAction(async (parse, cancellation) =>
        {
            var overrides = new List<string>();
            if (parse.GetValue(port) is { } p) overrides.Add(NodeConfig.Set("vmplant.node.port", p));
            if (parse.GetValue(dataDir) is { } d) overrides.Add(NodeConfig.Set("vmplant.node.data-dir", Path.GetFullPath(d)));
            if (parse.GetValue(httpPort) is { } h) overrides.Add(NodeConfig.Set("vmplant.http.port", h));
            VmPlantNode node;
            try
            {
                node = await VmPlantNode.StartAsync(NodeConfig.Load(parse.GetValue(CommonOptions.Config), overrides, parse.GetValue(real) ? NodeConfig.RealPresetPath : null));
            }
            catch (Exception e) when (e is DataDirectoryInUseException or PortInUseException)
            {
                await Console.Error.WriteLineAsync($"error: {VMPlant.Messages.Specs.Excerpt.Line(e.Message, 1000)}");
                return ExitCodes.Refused;
            }
            catch (Exception e) when (e is ConfigurationException or IOException or SpecValidationException)
            {
                await Console.Error.WriteLineAsync($"error: {VMPlant.Messages.Specs.Excerpt.Line(e.Message, 1000)}");
                return ExitCodes.BadInput;
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // Still one line: what failed and why, not a stack trace.
                await Console.Error.WriteLineAsync($"error: the node could not start: {e.GetType().Name}: {VMPlant.Messages.Specs.Excerpt.Line(e.Message, 1000)}");
                return ExitCodes.BadInput;
            }
            var address = Akka.Cluster.Cluster.Get(node.System).SelfAddress;
            if (node.Http is { } http) Console.WriteLine($"{HttpLinePrefix}{http.Url} (dashboard /, /health/live, /health/ready{(http.ServesMetrics ? ", /metrics" : "")})");
            Console.WriteLine($"VMPlant node listening on {address}");
            Console.WriteLine($"clients connect to {Akka.Cluster.Cluster.Get(node.Edge.System).SelfAddress}/system/receptionist");
            Console.WriteLine("press Ctrl-C to stop");
            // Ctrl-C or SIGTERM cancels the delay; then the node leaves gracefully.
            await Task.WhenAny(Task.Delay(Timeout.Infinite, cancellation), node.System.WhenTerminated);
            var removed = !cancellation.IsCancellationRequested;
            Console.WriteLine("leaving the cluster…");
            await node.DisposeAsync();
            if (!removed) return ExitCodes.Ok;
            // Downed by the others (or by itself, stranded without a shop): an Akka node cannot join again in-process.
            await Console.Error.WriteLineAsync($"error: this node ({address}) was removed from the cluster; start it again to rejoin");
            return ExitCodes.Removed;
        });
        return serve;
    }
}
