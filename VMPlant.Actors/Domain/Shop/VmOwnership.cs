using VMPlant.Messages;

namespace VMPlant.Actors.Domain;

/// <summary>
/// Who may change a VM: its owner (the caller that created it, as the edge verified it) or an operator. A VM created
/// anonymously (TLS off, or before owners were recorded) has no owner and anyone may change it; an anonymous caller
/// may not change an owned VM.
/// </summary>
public static class VmOwnership
{
    /// <summary>Null when <paramref name="caller"/> may change the VM, else why not (the answer's reason).</summary>
    public static string? Refusal(Caller? caller, string? owner, string vmId) => owner switch
    {
        null => null,
        _ when caller is null => $"VM {vmId} belongs to {owner}: an anonymous request may not change it",
        _ when caller.IsOperator || caller.Name == owner => null,
        _ => $"VM {vmId} belongs to {owner}, not to {caller.Name}: only its owner or an operator may change it",
    };
}
