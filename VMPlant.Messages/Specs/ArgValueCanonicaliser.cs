using System.Text.Encodings.Web;
using System.Text.Json;
using Akka.Configuration.Hocon;

namespace VMPlant.Messages.Specs;

/// <summary>
/// Turns an action arg into the one string it is stored and hashed as. A scalar is its text as written
/// (HOCON does not tell <c>12</c> from <c>"12"</c>, and neither does VMPlant). A list becomes compact JSON
/// with every scalar as a JSON string, e.g. <c>[a, 2]</c> → <c>["a","2"]</c>; an object becomes a JSON object
/// with its keys in ordinal order. The same HOCON value therefore always yields the same string.
/// </summary>
internal static class ArgValueCanonicaliser
{
    private static readonly JsonWriterOptions WriterOptions = new()
    {
        Indented = false,
        // Keeps non-ASCII and characters like '<' readable; the output is still deterministic.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <returns>The canonical string, or <c>null</c> with <paramref name="problem"/> set (a shape, or a limit exceeded).</returns>
    public static string? Canonicalise(HoconValue value, InputLimits limits, out string? problem)
    {
        switch (HoconValues.ShapeOf(value))
        {
            case HoconShape.Scalar:
                var text = HoconValues.ScalarText(value);
                problem = text.Length > limits.StringLength
                    ? $"is {text.Length:N0} characters long, over the limit of {limits.StringLength:N0} (vmplant.limits.string-length)"
                    : null;
                return problem is null ? text : null;
            case HoconShape.List:
            case HoconShape.Object:
                var buffer = new MemoryStream();
                using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
                {
                    problem = Write(writer, value, limits, 1);
                }
                if (problem is null && buffer.Length > limits.ArgBytes)
                    problem = $"is {buffer.Length:N0} bytes as JSON, over the limit of {limits.ArgBytes:N0} (vmplant.limits.arg-bytes)";
                return problem is null ? System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length) : null;
            default:
                problem = Describe(HoconValues.ShapeOf(value));
                return null;
        }
    }

    private static string? Write(Utf8JsonWriter writer, HoconValue value, InputLimits limits, int depth)
    {
        if (writer.BytesPending + writer.BytesCommitted > limits.ArgBytes)
            return $"is over the limit of {limits.ArgBytes:N0} bytes as JSON (vmplant.limits.arg-bytes)";
        var shape = HoconValues.ShapeOf(value);
        if (shape is HoconShape.List or HoconShape.Object && depth > limits.ArgDepth)
            return $"nests lists and objects more than {limits.ArgDepth} deep (vmplant.limits.arg-depth)";
        switch (shape)
        {
            case HoconShape.Scalar:
                var text = HoconValues.ScalarText(value);
                if (text.Length > limits.StringLength)
                    return $"holds a value {text.Length:N0} characters long, over the limit of {limits.StringLength:N0} (vmplant.limits.string-length)";
                writer.WriteStringValue(text);
                return null;
            case HoconShape.List:
                writer.WriteStartArray();
                foreach (var item in HoconValues.ListItems(value))
                {
                    if (Write(writer, item, limits, depth + 1) is { } problem)
                        return problem;
                }
                writer.WriteEndArray();
                return null;
            case HoconShape.Object:
                writer.WriteStartObject();
                foreach (var (key, field) in HoconValues.ObjectFields(value).OrderBy(f => f.Key, StringComparer.Ordinal))
                {
                    if (key.Length > limits.StringLength)
                        return $"holds a key {key.Length:N0} characters long, over the limit of {limits.StringLength:N0} (vmplant.limits.string-length)";
                    writer.WritePropertyName(key);
                    if (Write(writer, field, limits, depth + 1) is { } problem)
                        return problem;
                }
                writer.WriteEndObject();
                return null;
            default:
                return "contains a value that " + Describe(shape);
        }
    }

    private static string Describe(HoconShape shape) => shape switch
    {
        HoconShape.Null => "is null",
        HoconShape.Missing => "has no value",
        _ => "mixes lists, objects and plain values",
    };
}
