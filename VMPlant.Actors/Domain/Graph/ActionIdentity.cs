namespace VMPlant.Actors.Domain;

/// <summary>
/// The content identity of a configuration action, like a build-cache key: 32 lower-case hex digits (128 bits of a SHA-256)
/// over the action's kind, its canonical args and the identities of its prerequisites. The user's id and the cost estimate
/// do not take part, so two specs written by different people that install the same OS and then the same package
/// produce the same identities, and an image holding those actions serves both.
/// </summary>
/// <remarks>
/// Because a prerequisite's identity is hashed into its dependants', an identity stands for the action together with
/// everything that must have run before it. See <see cref="ActionIdentityHasher"/> for the exact encoding.
/// </remarks>
public readonly record struct ActionIdentity(string Value)
{
    public const int HexLength = 32;

    public override string ToString() => Value;

    /// <summary>Reads an identity as printed, e.g. from a journal or a <c>PerformedAction</c> message.</summary>
    public static ActionIdentity Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length != HexLength || !text.All(char.IsAsciiHexDigitLower))
            throw new FormatException($"'{text}' is not an action identity ({HexLength} lower-case hex digits).");
        return new ActionIdentity(text);
    }
}
