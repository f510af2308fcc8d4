using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;

namespace VMPlant.Libvirt;

/// <summary>
/// Names we let into libvirt (domains, pools, volumes): 1–64 characters of letters, digits,
/// '.', '_' and '-', starting with a letter or digit. Safe as file names in a pool directory
/// and needing no escaping anywhere.
/// </summary>
public static partial class LibvirtNames
{
    public static bool IsSafe(string? name) => name is not null && SafeName().IsMatch(name);

    /// <exception cref="ArgumentException">The name is not safe; the message says which rule it breaks.</exception>
    public static void EnsureSafe(
        string? name, string what, [CallerArgumentExpression(nameof(name))] string? paramName = null)
    {
        if (!IsSafe(name))
            throw new ArgumentException(
                $"Invalid {what} name {(name is null ? "(null)" : $"'{name}'")}: use 1-64 characters from A-Z a-z 0-9 . _ -, starting with a letter or digit.",
                paramName);
    }

    // \z rather than $, which would also accept a trailing newline.
    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}\z", RegexOptions.CultureInvariant)]
    private static partial Regex SafeName();
}
