using System.CommandLine;

namespace VMPlant.Host.Cli;

/// <summary>Options every verb understands.</summary>
public static class CommonOptions
{
    public static readonly Option<string?> Config = new("--config", "-c")
    {
        Description = "HOCON file merged over the defaults in hocon/vmplant.conf",
        Recursive = true,
    };

    public static readonly Option<string[]> Node = new("--node")
    {
        Description = "Edge receptionist of a running node, e.g. akka.tcp://vmplant-edge@127.0.0.1:4054/system/receptionist (repeatable)",
        Recursive = true,
        AllowMultipleArgumentsPerToken = false,
    };

    public static readonly Option<bool> Json = new("--json")
    {
        Description = "Print the answer as JSON",
        Recursive = true,
    };
}
