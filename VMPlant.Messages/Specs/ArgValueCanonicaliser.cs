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

    /// <returns>The canonical string, or <c>null</c> with <paramref name="problem"/> set.</returns>
    public static string? Canonicalise(HoconValue value, out string? problem)
    {
        switch (HoconValues.ShapeOf(value))
        {
            case HoconShape.Scalar:
                problem = null;
                return HoconValues.ScalarText(value);
            case HoconShape.List:
            case HoconShape.Object:
                var buffer = new MemoryStream();
                using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
                {
                    problem = Write(writer, value);
                }
                return problem is null ? System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length) : null;
            default:
                problem = Describe(HoconValues.ShapeOf(value));
                return null;
        }
    }

    private static string? Write(Utf8JsonWriter writer, HoconValue value)
    {
        switch (HoconValues.ShapeOf(value))
        {
            case HoconShape.Scalar:
                writer.WriteStringValue(HoconValues.ScalarText(value));
                return null;
            case HoconShape.List:
                writer.WriteStartArray();
                foreach (var item in HoconValues.ListItems(value))
                {
                    if (Write(writer, item) is { } problem)
                        return problem;
                }
                writer.WriteEndArray();
                return null;
            case HoconShape.Object:
                writer.WriteStartObject();
                foreach (var (key, field) in HoconValues.ObjectFields(value).OrderBy(f => f.Key, StringComparer.Ordinal))
                {
                    writer.WritePropertyName(key);
                    if (Write(writer, field) is { } problem)
                        return problem;
                }
                writer.WriteEndObject();
                return null;
            default:
                return "contains a value that " + Describe(HoconValues.ShapeOf(value));
        }
    }

    private static string Describe(HoconShape shape) => shape switch
    {
        HoconShape.Null => "is null",
        HoconShape.Missing => "has no value",
        _ => "mixes lists, objects and plain values",
    };
}
