using System.CommandLine;
using VMPlant.Bench;
using VMPlant.Bench.Chaos;
using VMPlant.Host.Cli;

// `./vmplant bench …` and `./vmplant chaos …` run this harness; the shipped host knows nothing of it.
var root = new RootCommand("VMPlant harness: benchmarks and failover drills against real VMPlant nodes")
{
    CommonOptions.Json,
    // The bench reads --config (HOCON over the defaults, e.g. a PostgreSQL journal or other retention windows).
    CommonOptions.Config,
    BenchCommand.Create(),
    ChaosCommand.Create(),
};
return await root.Parse(args).InvokeAsync();
