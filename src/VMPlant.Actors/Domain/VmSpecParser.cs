using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;
using Akka.Configuration;
using Akka.Configuration.Hocon;
using VMPlant.Messages;

namespace VMPlant.Actors.Domain;

/// <summary>
/// Reads VM specs written in HOCON with Akka's own HOCON support. Argument values of any HOCON type are
/// canonicalised to strings (lists and objects as compact JSON with sorted keys) so identities are stable.
/// </summary>
public static class VmSpecParser
{
    public static VmSpec ParseFile(string path)
    {
        if (!File.Exists(path)) throw new SpecValidationException($"spec file {path} does not exist");
        return Parse(File.ReadAllText(path), path);
    }

    public static VmSpec Parse(string hoconText, string sourceName)
    {
        var config = ParseHocon(hoconText, sourceName);
        var errors = new List<string>();
        var resources = config.HasPath("resources")
            ? Read(errors, sourceName, "resources", () => new ResourceSpec(
                config.GetInt("resources.vcpus", 0),
                config.GetLong("resources.memory-mib", 0),
                config.GetLong("resources.disk-gib", 0)))
            : null;
        if (resources is null && errors.Count == 0) errors.Add($"{sourceName}: resources {{ vcpus, memory-mib, disk-gib }} are missing");
        var actions = ReadActions(config, sourceName, errors);
        if (errors.Count > 0) throw new SpecValidationException(errors);
        return new VmSpec(config.GetString("name") ?? "", resources!, actions);
    }

    /// <summary>An actions-only file (`actions = [...]`), for configuring an existing VM.</summary>
    public static ImmutableArray<ActionSpec> ParseActions(string hoconText, string sourceName)
    {
        var errors = new List<string>();
        var actions = ReadActions(ParseHocon(hoconText, sourceName), sourceName, errors);
        if (errors.Count > 0) throw new SpecValidationException(errors);
        if (actions.IsEmpty) throw new SpecValidationException($"{sourceName}: no actions");
        return actions;
    }

    private static Config ParseHocon(string text, string sourceName)
    {
        try
        {
            return ConfigurationFactory.ParseString(text);
        }
        catch (Exception e) when (e is ConfigurationException or FormatException or InvalidOperationException)
        {
            throw new SpecValidationException($"{sourceName}: not valid HOCON: {e.Message}");
        }
    }

    private static ImmutableArray<ActionSpec> ReadActions(Config config, string sourceName, List<string> errors)
    {
        if (!config.HasPath("actions")) return ImmutableArray<ActionSpec>.Empty;
        var value = config.GetValue("actions");
        if (!value.IsArray())
        {
            errors.Add($"{sourceName}: actions must be a list");
            return ImmutableArray<ActionSpec>.Empty;
        }
        return value.GetArray().Select((item, i) => ReadAction(item, i, sourceName, errors)).OfType<ActionSpec>().ToImmutableArray();
    }

    private static ActionSpec? ReadAction(HoconValue item, int index, string sourceName, List<string> errors)
    {
        if (!item.IsObject())
        {
            errors.Add($"{sourceName}: action #{index + 1} must be an object {{ id, kind, args, after, cost }}");
            return null;
        }
        var action = new Config(new HoconRoot(item));
        var id = action.GetString("id") ?? "";
        var where = id.Length == 0 ? $"action #{index + 1}" : $"action '{id}'";
        var cost = Read(errors, sourceName, $"{where}: cost", () => action.HasPath("cost") ? action.GetDouble("cost") : double.NaN);
        if (!action.HasPath("cost")) errors.Add($"{sourceName}: {where}: cost is missing");
        var after = action.HasPath("after")
            ? Read(errors, sourceName, $"{where}: after", () => action.GetStringList("after").ToImmutableArray())
            : ImmutableArray<string>.Empty;
        var args = action.HasPath("args") ? ReadArgs(action.GetValue("args"), sourceName, where, errors) : ImmutableSortedDictionary<string, string>.Empty;
        return new ActionSpec(id, action.GetString("kind") ?? "", args, after.IsDefault ? [] : after, cost);
    }

    private static ImmutableSortedDictionary<string, string> ReadArgs(HoconValue args, string sourceName, string where, List<string> errors)
    {
        if (!args.IsObject())
        {
            errors.Add($"{sourceName}: {where}: args must be an object of key = value");
            return ImmutableSortedDictionary<string, string>.Empty;
        }
        return args.GetObject().Items.ToImmutableSortedDictionary(kv => kv.Key, kv => Canonical(kv.Value), StringComparer.Ordinal);
    }

    /// <summary>Scalars as their text; lists and objects as compact JSON with object keys sorted.</summary>
    private static string Canonical(HoconValue value) =>
        value.IsArray() || value.IsObject() ? JsonSerializer.Serialize(ToJsonValue(value)) : value.GetString();

    private static object ToJsonValue(HoconValue value) =>
        value.IsArray() ? value.GetArray().Select(ToJsonValue).ToList()
        : value.IsObject() ? value.GetObject().Items.OrderBy(kv => kv.Key, StringComparer.Ordinal).ToDictionary(kv => kv.Key, kv => ToJsonValue(kv.Value))
        : value.GetString();

    private static T Read<T>(List<string> errors, string sourceName, string what, Func<T> read)
    {
        try
        {
            return read();
        }
        catch (Exception e) when (e is FormatException or ConfigurationException or InvalidCastException or OverflowException)
        {
            errors.Add($"{sourceName}: {what} has the wrong type ({e.Message})");
            return default!;
        }
    }
}
