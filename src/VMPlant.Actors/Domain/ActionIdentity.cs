using System.Security.Cryptography;
using System.Text;

namespace VMPlant.Actors.Domain;

/// <summary>
/// Content identity of an action, like a build-cache key: a hash of its kind, its canonical arguments and the
/// identities of its prerequisites. The user's id and the cost estimate play no part, so two specs written by
/// different people that do the same things in the same order share identities.
/// </summary>
public readonly record struct ActionIdentity(string Value)
{
    public static ActionIdentity Of(string kind, IReadOnlyDictionary<string, string> args, IEnumerable<ActionIdentity> prerequisites)
    {
        var text = new StringBuilder();
        Append(text, kind);
        foreach (var (key, value) in args.OrderBy(a => a.Key, StringComparer.Ordinal))
        {
            Append(text, key);
            Append(text, value);
        }
        text.Append('|');
        foreach (var prerequisite in prerequisites.Select(p => p.Value).Distinct().Order(StringComparer.Ordinal))
            Append(text, prerequisite);
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString()));
        return new ActionIdentity(Convert.ToHexStringLower(hash, 0, 16));
    }

    /// <summary>Length-prefixed, so no choice of strings can make two different inputs hash alike.</summary>
    private static void Append(StringBuilder text, string value) => text.Append(value.Length).Append(':').Append(value);

    public override string ToString() => Value;
}
