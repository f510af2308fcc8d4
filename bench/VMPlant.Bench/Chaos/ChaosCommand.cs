using System.CommandLine;
using VMPlant.Host.Cli;

namespace VMPlant.Bench.Chaos;

/// <summary>`chaos SCENARIO`: a failover drill on real processes, with a report (timeline, recovery time, request accounting).</summary>
public static class ChaosCommand
{
    public static Command Create()
    {
        var scenario = new Argument<string>("scenario") { Description = "kill-shop | kill-plant | leave-shop | partition | containers" };
        var shops = new Option<int>("--shops") { Description = "Shop-capable nodes to start (1-3)", DefaultValueFactory = _ => 2 };
        var plants = new Option<int>("--plants") { Description = "Plant nodes to start, one plant each (1-5)", DefaultValueFactory = _ => 3 };
        var lanes = new Option<int>("--lanes") { Description = "Concurrent request streams", DefaultValueFactory = _ => 3 };
        var workDir = new Option<string?>("--work-dir") { Description = "Where nodes keep data and logs (default: a new temp directory)" };
        var keep = new Option<bool>("--keep") { Description = "Keep the work directory (it is always kept when the drill fails)" };
        var postgres = new Option<string?>("--shop-postgres") { Description = "PostgreSQL connection string for the shared shop journal (default: a shared SQLite file)" };
        var composeFile = new Option<string?>("--compose-file") { Description = "containers: the compose file (default: docker-compose.yml in this directory or above)" };
        var composeEnv = new Option<string?>("--compose-env") { Description = "containers: compose variables naming the images (default: .build/docker/offline.env beside the compose file, when present)" };
        var command = new Command("chaos", "Run a failover drill on separate local processes (or the compose grid's containers) and print what happened")
        {
            scenario, shops, plants, lanes, workDir, keep, postgres, composeFile, composeEnv,
        };
        command.SetAction(async (parse, _) =>
        {
            ChaosOptions options;
            try
            {
                var compose = parse.GetValue(composeFile) ?? ComposeFiles.Find(Environment.CurrentDirectory);
                options = new ChaosOptions(ChaosRunner.ParseScenario(parse.GetValue(scenario)!), parse.GetValue(shops), parse.GetValue(plants),
                    parse.GetValue(workDir), parse.GetValue(keep), parse.GetValue(postgres), Lanes: parse.GetValue(lanes),
                    ComposeFile: compose, ComposeEnvFile: parse.GetValue(composeEnv) ?? ComposeFiles.OfflineEnv(compose));
            }
            catch (ArgumentException e)
            {
                await Console.Error.WriteLineAsync($"error: {e.Message}");
                return ExitCodes.BadInput;
            }
            var json = parse.GetValue(CommonOptions.Json);
            ChaosReport report;
            await using (var runner = new ChaosRunner(options, json ? null : line => Console.Error.WriteLine($"… {line}")))
            {
                try
                {
                    report = await runner.RunAsync();
                }
                catch (Exception e) when (e is TimeoutException or InvalidOperationException)
                {
                    await Console.Error.WriteLineAsync($"error: {e.Message} (node logs in {runner.WorkDir})");
                    return ExitCodes.Refused;
                }
                if (!report.Passed) await Console.Error.WriteLineAsync($"node logs kept in {runner.WorkDir}");
            }
            Console.WriteLine(json ? report.ToJson() : report.Render());
            return report.Passed ? ExitCodes.Ok : ExitCodes.Refused;
        });
        return command;
    }
}
