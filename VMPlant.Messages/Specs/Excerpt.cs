using System.Globalization;
using System.Text;

namespace VMPlant.Messages.Specs;

/// <summary>
/// Short, escaped pieces of user input for error messages: an error never echoes more than a few dozen characters
/// of what it complains about, and never a control character that a terminal would act on.
/// </summary>
public static class Excerpt
{
    public const int DefaultWidth = 40;

    /// <summary><paramref name="value"/> quoted, escaped and cut to <paramref name="width"/> characters (its length said when cut).</summary>
    public static string Of(string value, int width = DefaultWidth)
    {
        var cut = value.Length > width;
        var text = "\"" + Escape(cut ? value[..width] : value) + "\"";
        return cut ? $"{text}… ({value.Length:N0} characters)" : text;
    }

    /// <summary>The text around <paramref name="index"/>, escaped.</summary>
    public static string Around(string text, int index, int width = 24)
    {
        var start = Math.Clamp(index - width / 2, 0, text.Length);
        var end = Math.Min(text.Length, start + width);
        if (start >= end) return "the end of the text";
        return (start > 0 ? "…" : "") + "\"" + Escape(text[start..end]) + "\"" + (end < text.Length ? "…" : "");
    }

    /// <summary>Control and other invisible characters as escapes; the result is one printable line.</summary>
    public static string Escape(string value)
    {
        var text = new StringBuilder(value.Length);
        foreach (var c in value)
        {
            switch (c)
            {
                case '\n': text.Append("\\n"); break;
                case '\r': text.Append("\\r"); break;
                case '\t': text.Append("\\t"); break;
                case '"': text.Append("\\\""); break;
                case '\\': text.Append("\\\\"); break;
                default:
                    if (IsUnsafe(c)) text.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    else text.Append(c);
                    break;
            }
        }
        return text.ToString();
    }

    /// <summary>One line of at most <paramref name="maxLength"/> characters with every unsafe character escaped.</summary>
    public static string Line(string message, int maxLength = 400)
    {
        var escaped = new StringBuilder(Math.Min(message.Length, maxLength + 16));
        foreach (var c in message)
        {
            if (escaped.Length >= maxLength) return escaped.Append('…').ToString();
            if (c is '\n' or '\r' or '\t') escaped.Append(' ');
            else if (IsUnsafe(c)) escaped.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
            else escaped.Append(c);
        }
        return escaped.ToString();
    }

    /// <summary>Control characters and invisible format characters (e.g. bidirectional overrides, line separators).</summary>
    public static bool IsUnsafe(char c) =>
        char.IsControl(c) || CharUnicodeInfo.GetUnicodeCategory(c) is UnicodeCategory.Format
                              or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator;
}
