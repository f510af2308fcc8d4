using System.Collections.Immutable;
using System.Text.RegularExpressions;

namespace VMPlant.Actors.Domain;

/// <summary>
/// The kinds of configuration action. The well-known ones are listed; any other kind spelled like them
/// (lower-case words joined by '-') is accepted too, so a plant can learn new kinds without a spec-format change.
/// </summary>
public static partial class ActionKinds
{
    public const string InstallOs = "install-os";
    public const string InstallPackage = "install-package";
    public const string CopyFile = "copy-file";
    public const string RunScript = "run-script";
    public const string SetProperty = "set-property";

    public const string KindPattern = "^[a-z][a-z0-9-]*$";

    public static ImmutableArray<string> WellKnown { get; } =
        [InstallOs, InstallPackage, CopyFile, RunScript, SetProperty];

    public static bool IsWellKnown(string kind) => WellKnown.Contains(kind, StringComparer.Ordinal);

    public static bool IsAcceptable(string kind) => IsWellKnown(kind) || KindShape().IsMatch(kind);

    [GeneratedRegex(@"^[a-z][a-z0-9-]*\z", RegexOptions.CultureInvariant)]
    private static partial Regex KindShape();
}
