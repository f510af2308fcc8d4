using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using VMPlant.Messages;

namespace VMPlant.Tests.Messages;

/// <summary>Writes a <see cref="VmSpec"/> back as HOCON, and a canonical one-string form to compare specs exactly.</summary>
public static class SpecText
{
    private static readonly JsonSerializerOptions Relaxed = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string Quote(string text) => JsonSerializer.Serialize(text, Relaxed);

    public static string ToHocon(VmSpec spec)
    {
        var text = new StringBuilder()
            .AppendLine($"name = {Quote(spec.Name)}")
            .AppendLine($"resources {{ vcpus = {spec.Resources.Vcpus}, memory-mib = {spec.Resources.MemoryMiB}, disk-gib = {spec.Resources.DiskGiB} }}")
            .AppendLine("actions = [");
        foreach (var action in spec.Actions)
        {
            var args = string.Join(", ", action.Args.Select(a => $"{Quote(a.Key)} = {ArgValue(a.Value)}"));
            var after = string.Join(", ", action.After.Select(Quote));
            text.AppendLine($"  {{ id = {Quote(action.Id)}, kind = {Quote(action.Kind)}, args = {{ {args} }}, after = [{after}], " +
                            $"cost = {action.Cost.ToString("R", CultureInfo.InvariantCulture)} }}");
        }
        return text.AppendLine("]").ToString();
    }

    /// <summary>A canonical list or object (compact JSON, which HOCON reads as itself) is written as is; anything else quoted.</summary>
    private static string ArgValue(string value)
    {
        if (value.Length > 0 && value[0] is '[' or '{')
        {
            try
            {
                using var _ = JsonDocument.Parse(value);
                return value;
            }
            catch (JsonException)
            {
                // A string that merely starts with a bracket.
            }
        }
        return Quote(value);
    }

    /// <summary>Every field of the spec in one string: equal strings mean equal specs.</summary>
    public static string Canonical(VmSpec spec)
    {
        var text = new StringBuilder()
            .Append(Quote(spec.Name)).Append('|')
            .Append($"{spec.Resources.Vcpus},{spec.Resources.MemoryMiB},{spec.Resources.DiskGiB}");
        foreach (var a in spec.Actions)
            text.Append('|').Append(Quote(a.Id)).Append(' ').Append(Quote(a.Kind))
                .Append(" {").Append(string.Join(",", a.Args.Select(kv => Quote(kv.Key) + "=" + Quote(kv.Value)))).Append('}')
                .Append(" [").Append(string.Join(",", a.After.Select(Quote))).Append("] ")
                .Append(a.Cost.ToString("R", CultureInfo.InvariantCulture));
        return text.ToString();
    }
}
