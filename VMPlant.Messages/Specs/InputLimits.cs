using Akka.Configuration;

namespace VMPlant.Messages.Specs;

/// <summary>
/// Bounds on what VMPlant reads from a user: checked before parsing (bytes, nesting) and while reading the tree
/// (actions, strings, args), each refusal naming the limit and its key under <c>vmplant.limits</c>.
/// </summary>
/// <param name="SpecBytes">Largest spec or actions file, in bytes.</param>
/// <param name="ConfigBytes">Largest configuration file (--config), in bytes.</param>
/// <param name="NestingDepth">Most brackets open at once anywhere in a spec or configuration file.</param>
/// <param name="ActionsPerSpec">Most actions in one spec or actions file.</param>
/// <param name="StringLength">Longest name, id, kind, arg key or scalar arg value, in characters.</param>
/// <param name="ArgBytes">Longest canonical arg value (lists and objects as JSON), in UTF-8 bytes.</param>
/// <param name="ArgDepth">Most lists and objects nested inside one arg value.</param>
/// <param name="RequestIdLength">Longest request id (idempotency key), in characters.</param>
public sealed record InputLimits(
    int SpecBytes,
    int ConfigBytes,
    int NestingDepth,
    int ActionsPerSpec,
    int StringLength,
    int ArgBytes,
    int ArgDepth,
    int RequestIdLength)
{
    public const string ConfigPath = "vmplant.limits";

    public static InputLimits Default { get; } = new(
        SpecBytes: 256 * 1024,
        ConfigBytes: 1024 * 1024,
        NestingDepth: 32,
        ActionsPerSpec: 500,
        StringLength: 1024,
        ArgBytes: 16 * 1024,
        ArgDepth: 8,
        RequestIdLength: 128);

    /// <summary>The limits under <c>vmplant.limits</c>; keys not given keep their defaults.</summary>
    /// <exception cref="ConfigurationException">A limit is not a positive whole number.</exception>
    public static InputLimits FromConfig(Config config)
    {
        var d = Default;
        return new InputLimits(
            Read(config, "spec-bytes", d.SpecBytes),
            Read(config, "config-bytes", d.ConfigBytes),
            Read(config, "nesting-depth", d.NestingDepth),
            Read(config, "actions-per-spec", d.ActionsPerSpec),
            Read(config, "string-length", d.StringLength),
            Read(config, "arg-bytes", d.ArgBytes),
            Read(config, "arg-depth", d.ArgDepth),
            Read(config, "request-id-length", d.RequestIdLength));
    }

    private static int Read(Config config, string key, int fallback)
    {
        var path = $"{ConfigPath}.{key}";
        if (!config.HasPath(path)) return fallback;
        var text = config.GetString(path);
        if (int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var value) && value > 0)
            return value;
        throw new ConfigurationException($"{path}: expected a positive whole number, got {Excerpt.Of(text ?? "")}");
    }
}
