namespace VMPlant.Libvirt.Qemu;

/// <summary>How one host command ended: its exit code, the tails of its output and how long it ran.</summary>
public sealed record CommandResult(int ExitCode, string StdoutTail, string StderrTail, TimeSpan Duration)
{
    public bool Succeeded => ExitCode == 0;

    /// <summary>The output worth showing to a person when the command failed: stderr's tail, else stdout's.</summary>
    public string Complaint => (string.IsNullOrWhiteSpace(StderrTail) ? StdoutTail : StderrTail).Trim();
}

/// <summary>A host command needed to prepare a real VM failed.</summary>
public sealed class HostCommandException(string message, CommandResult? result = null) : Exception(message)
{
    public CommandResult? Result { get; } = result;
}
