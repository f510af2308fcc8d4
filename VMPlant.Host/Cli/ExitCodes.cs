namespace VMPlant.Host.Cli;

public static class ExitCodes
{
    public const int Ok = 0;
    /// <summary>The shop answered with a refusal: no plant could host it, VM not found, request rejected.</summary>
    public const int Refused = 1;
    /// <summary>The input (spec file, flags, configuration) is invalid; nothing was sent.</summary>
    public const int BadInput = 2;
    public const int Unreachable = 3;
}
