using System.CommandLine;
using VMPlant.Host.Cli;

var root = new RootCommand("VMPlant: VM provisioning broker that reuses configuration work through golden images")
{
    CommonOptions.Config,
    CommonOptions.Node,
    CommonOptions.Json,
    ServeCommand.Create(),
    EventsCommand.Create(),
    CertsCommand.Create(),
    ImageCommand.Create(),
};
foreach (var command in ClientCommands.All()) root.Subcommands.Add(command);
// After Ctrl-C or SIGTERM, `serve` leaves the cluster and hands the shop singleton over; System.CommandLine would kill
// the process 2 s after the signal (its default), mid-hand-over, and the survivors would then wait for the downing
// of a node that is gone instead of taking the shop over at once.
return await root.Parse(args).InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = TimeSpan.FromSeconds(60) });
