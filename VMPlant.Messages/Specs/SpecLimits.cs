using System.Text.RegularExpressions;

namespace VMPlant.Messages.Specs;

/// <summary>The bounds a VM spec must respect. Shared by the validator and anyone who wants to explain them.</summary>
public static partial class SpecLimits
{
    public const int MinVcpus = 1;
    public const int MaxVcpus = 1024;

    public const long MinMemoryMiB = 16;
    /// <summary>16 TiB.</summary>
    public const long MaxMemoryMiB = 16L * 1024 * 1024;

    public const long MinDiskGiB = 1;
    /// <summary>64 TiB.</summary>
    public const long MaxDiskGiB = 64L * 1024;

    /// <summary>Seven days, in seconds: no single action is believed to take longer.</summary>
    public const double MaxActionCostSeconds = 7 * 24 * 3600;

    /// <summary>A guard against absurd inputs; real specs have tens of actions.</summary>
    public const int MaxActions = 10_000;

    /// <summary>As shown to users. Safe as a libvirt domain name and as part of a volume name.</summary>
    public const string VmNamePattern = "^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$";

    public const string ActionIdPattern = "^[A-Za-z0-9._-]{1,64}$";

    // The regexes end in \z, not $: '$' would also accept a trailing newline.
    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}\z", RegexOptions.CultureInvariant)]
    public static partial Regex VmName();

    [GeneratedRegex(@"^[A-Za-z0-9._-]{1,64}\z", RegexOptions.CultureInvariant)]
    public static partial Regex ActionId();
}
