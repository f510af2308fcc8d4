namespace VMPlant.Host.Cli;

/// <summary>
/// A command-line value that cannot be used (out of range, unknown name, missing file): the verb prints the message
/// as one line and exits with <see cref="ExitCodes.BadInput"/>, having started nothing.
/// </summary>
public sealed class UsageException(string message) : Exception(message);
