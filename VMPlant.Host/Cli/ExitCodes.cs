namespace VMPlant.Host.Cli;

public static class ExitCodes
{
    public const int Ok = 0;
    /// <summary>The shop answered with a refusal (no plant could host it, VM not found, request rejected or in conflict), or `serve` refused to start (data directory in use, port taken).</summary>
    public const int Refused = 1;
    /// <summary>The input (spec file, flags, configuration) is invalid or too large; nothing was sent.</summary>
    public const int BadInput = 2;
    /// <summary>No VMPlant node reachable at the contact points (nothing listening, not a VMPlant node, wrong path).</summary>
    public const int Unreachable = 3;
    /// <summary>The request was sent but not answered in time: its outcome is unknown (the error names the request id to ask again with).</summary>
    public const int NoAnswer = 4;
    /// <summary>`serve`: the node was removed from the cluster (downed, or stranded without a shop); starting it again rejoins.</summary>
    public const int Removed = 5;
}
