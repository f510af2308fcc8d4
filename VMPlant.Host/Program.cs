using System.CommandLine;
using VMPlant.Host.Cli;

var root = new RootCommand("VMPlant: VM provisioning broker that reuses configuration work through golden images")
{
    CommonOptions.Config,
    CommonOptions.Node,
    CommonOptions.Json,
    ServeCommand.Create(),
    EventsCommand.Create(),
};
foreach (var command in ClientCommands.All()) root.Subcommands.Add(command);
return await root.Parse(args).InvokeAsync();
