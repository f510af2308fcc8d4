using VMPlant.Messages.Specs;

namespace VMPlant.Messages;

/// <summary>
/// What a request id (the idempotency key of creates and configures) may be: it is journaled and compared, so it
/// must be non-empty, of bounded length and free of control characters. Checked by the client and again by the shop.
/// </summary>
public static class RequestIds
{
    public const int DefaultMaxLength = 128;

    /// <summary>Why <paramref name="requestId"/> is not acceptable, or null when it is.</summary>
    public static string? Problem(string? requestId, int maxLength = DefaultMaxLength)
    {
        if (string.IsNullOrWhiteSpace(requestId)) return "a request id must not be empty";
        if (requestId.Length > maxLength)
            return $"a request id may be at most {maxLength} characters, this one has {requestId.Length:N0}: {Excerpt.Of(requestId, 24)}";
        if (requestId.Any(Excerpt.IsUnsafe) || requestId.Any(char.IsWhiteSpace))
            return $"a request id may not contain spaces or control characters: {Excerpt.Of(requestId)}";
        return null;
    }
}
