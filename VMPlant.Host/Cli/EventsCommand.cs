using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Serialization;
using Akka.Actor;
using Akka.Configuration;
using Akka.Streams;
using Akka.Streams.Dsl;
using Microsoft.Data.Sqlite;
using VMPlant.Host.Configuration;
using VMPlant.Host.Events;

namespace VMPlant.Host.Cli;

/// <summary>
/// `events [--follow] [--json]`: the shop's and plants' decisions from the journal (Akka.Persistence.Query over the
/// SQL journal the node writes), oldest first; --follow keeps printing new ones as they are journaled. Reads the
/// store the configuration names (like serve: --config, --data-dir, VMPLANT_* variables); logs never reach stdout.
/// </summary>
public static class EventsCommand
{
    private static readonly JsonSerializerOptions JsonLine = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    public static Command Create()
    {
        var follow = new Option<bool>("--follow", "-f") { Description = "Keep printing new events as they are journaled (Ctrl-C to stop)" };
        var dataDir = new Option<string?>("--data-dir") { Description = "The node's data directory (default from config: data)" };
        var events = new Command("events", "Print the shop's and plants' decisions from the journal: accepted, awarded (with every bid), built, published, evicted, destroyed")
        {
            follow, dataDir,
        };
        events.SetAction(async (parse, cancellation) =>
        {
            Config config;
            try
            {
                var overrides = parse.GetValue(dataDir) is { } d ? [NodeConfig.Set("vmplant.node.data-dir", Path.GetFullPath(d))] : Array.Empty<string>();
                config = NodeConfig.Load(parse.GetValue(CommonOptions.Config), overrides);
                EnsureJournalExists(config);
            }
            catch (Exception e) when (e is ConfigurationException or IOException)
            {
                await Console.Error.WriteLineAsync($"error: {e.Message}");
                return ExitCodes.BadInput;
            }
            return await PrintAsync(config, parse.GetValue(follow), parse.GetValue(CommonOptions.Json), cancellation);
        });
        return events;
    }

    private static async Task<int> PrintAsync(Config config, bool follow, bool json, CancellationToken cancellation)
    {
        // A local actor system that only reads: no cluster, no remoting, and no Akka log lines on stdout.
        var system = ActorSystem.Create("vmplant-events", ConfigurationFactory.ParseString("""
            akka.actor.provider = local
            akka.loglevel = OFF
            akka.stdout-loglevel = OFF
            """).WithFallback(config));
        try
        {
            // Without --follow, --json prints one JSON array; with it, one JSON object per line (JSON Lines).
            var array = json && !follow;
            var first = true;
            if (array) Console.Write('[');
            var (kill, done) = JournalFeed.Events(system, config, follow)
                .ViaMaterialized(KillSwitches.Single<JournalEvent>(), Keep.Right)
                .ToMaterialized(Sink.ForEach<JournalEvent>(e =>
                {
                    if (array) Console.Write((first ? "\n" : ",\n") + JsonSerializer.Serialize(e, JsonLine));
                    else Console.WriteLine(json ? JsonSerializer.Serialize(e, JsonLine) : Line(e));
                    first = false;
                }), Keep.Both)
                .Run(system.Materializer());
            await using (cancellation.Register(() => kill.Shutdown()))
                await done;
            if (array) Console.WriteLine(first ? "]" : "\n]");
            return ExitCodes.Ok;
        }
        catch (Exception e)
        {
            await Console.Error.WriteLineAsync($"error: reading the journal failed: {e.GetBaseException().Message}");
            return ExitCodes.Unreachable;
        }
        finally
        {
            await system.Terminate();
        }
    }

    private static string Line(JournalEvent e) =>
        $"{e.At.UtcDateTime:yyyy-MM-dd HH:mm:ss.fff}  {e.Source,-14} {e.Kind,-12} {e.Text}";

    /// <summary>A SQLite journal must already exist (opening a missing file would create an empty one).</summary>
    private static void EnsureJournalExists(Config config)
    {
        foreach (var path in new[] { "vmplant.persistence", "vmplant.shop.persistence" })
        {
            var connection = config.GetString($"{path}.connection-string", "") ?? "";
            if (connection.Length == 0 || !config.GetString($"{path}.provider-name", "").StartsWith("SQLite", StringComparison.OrdinalIgnoreCase))
                continue;
            var file = new SqliteConnectionStringBuilder(connection).DataSource;
            if (!File.Exists(file))
                throw new IOException($"no journal at {Path.GetFullPath(file)} ({path}.connection-string): start a node first, or point --data-dir / --config at its data");
        }
    }
}
