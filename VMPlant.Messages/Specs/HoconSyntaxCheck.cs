namespace VMPlant.Messages.Specs;

/// <summary>
/// A strict pre-scan of HOCON text, run before Akka's parser sees it. Akka's parser accepts broken documents
/// (an unclosed '[', an unterminated string, '}}}' after the end, '{{{{' in a config file) and loops forever,
/// allocating, on an assignment inside a list: <c>a=[=]</c>, <c>a=[:]</c>, <c>a = [ b = 1 ]</c>, <c>a=[{}=1]</c>,
/// <c>a=[1 = 2]</c> (an '=' or ':' that does not directly follow unquoted text in a list), and on a field with two
/// separators or none before its key in an object inside a list: <c>x = [ { a := { } } ]</c>, <c>x = [ { a = b = {} } ]</c>,
/// <c>x = [ { = { } } ]</c>. So this scan requires: balanced brackets that close what they opened, terminated strings
/// and substitutions, nothing after a document written in braces, no '=', ':' or '+=' directly inside a list, one
/// separator per field and after a key (a value holding '=' or ':' is quoted), none of HOCON's reserved characters
/// in unquoted text (<c>` ^ ? ! @ * &amp; \ $</c>: inside a list, <c>a=[\]</c> or <c>a=[@]</c> also hangs Akka's parser), no
/// control characters, only a path inside a substitution (<c>a=[${ id =[[[</c> hangs it too; <c>${}</c> gets no position),
/// only JSON's escapes in strings (Akka reports others without a position), and at most
/// <c>maxDepth</c> nested brackets — and names the line and column of the first thing it refuses.
/// Semantics (keys, values, substitutions) stay with Akka's parser.
/// </summary>
public static class HoconSyntaxCheck
{
    public static InputProblem? FindProblem(string text, int maxDepth)
    {
        ArgumentNullException.ThrowIfNull(text);
        // The root is an object whether or not it is written in braces.
        var frames = new Stack<Frame>();
        frames.Push(new Frame(-1, '{'));
        var bracedRoot = false;
        var documentEnd = -1;
        var sawContent = false;
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            var frame = frames.Peek();
            if (c == '\uFEFF' && i == 0) { i++; continue; }
            if (c is '\n' or ',')
            {
                if (frame.MissingValue) return InputProblem.At(text, i, "a separator without a value after it");
                frame.EndField();
                if (c == ',' && documentEnd >= 0)
                    return InputProblem.At(text, i, "text after the end of the document (the '}' that closes the document's first '{')");
                i++;
                continue;
            }
            if (c is ' ' or '\t' or '\r') { i++; continue; }
            if (c == '#' || (c == '/' && Next(text, i) == '/'))
            {
                i = EndOfLine(text, i);
                continue;
            }
            if (documentEnd >= 0)
                return InputProblem.At(text, i, "text after the end of the document (the '}' that closes the document's first '{')");
            if (Excerpt.IsUnsafe(c))
                return InputProblem.At(text, i, $"control character U+{(int)c:X4}");

            switch (c)
            {
                case '"':
                    var afterString = SkipString(text, i, out var stringProblem);
                    if (stringProblem is not null) return stringProblem;
                    frame.Content();
                    i = afterString;
                    sawContent = true;
                    continue;
                case '$' when Next(text, i) == '{':
                    var close = text.IndexOfAny(['}', '\n'], i + 2);
                    if (close < 0 || text[close] != '}')
                        return InputProblem.At(text, i, "unterminated substitution: '${' without '}' on the same line");
                    // Only a path may stand inside: brackets or an empty path there send Akka's parser astray.
                    if (SubstitutionProblem(text, i, close) is { } substitution) return substitution;
                    frame.Content();
                    i = close + 1;
                    sawContent = true;
                    continue;
                case '{' or '[':
                    if (frames.Count > maxDepth)
                        return InputProblem.At(text, i, $"nested more than {maxDepth} levels deep");
                    if (!sawContent && c == '{') bracedRoot = true;
                    // In an object a value needs a key ('key { }' or 'key = [ ]'); only the document's own '{' has none.
                    else if (frame.Kind == '{' && !frame.Key)
                        return InputProblem.At(text, i, $"'{c}' where a key belongs: an object's fields are 'key = value'");
                    frame.Content();
                    frames.Push(new Frame(i, c));
                    break;
                case '}' or ']':
                    var expected = c == '}' ? '{' : '[';
                    if (frame.Open < 0)
                        return InputProblem.At(text, i, $"'{c}' without a matching '{expected}'");
                    if (frame.Kind != expected)
                    {
                        var opener = InputProblem.At(text, frame.Open, "");
                        return InputProblem.At(text, i, $"'{c}' closes the '{frame.Kind}' opened at line {opener.Line}, column {opener.Column}");
                    }
                    if (frame.MissingValue) return InputProblem.At(text, i, "a separator without a value after it");
                    frames.Pop();
                    if (frames.Count == 1 && bracedRoot) documentEnd = i;
                    break;
                case '=' or ':':
                case '+' when Next(text, i) == '=':
                    var separator = c == '+' ? "+=" : c.ToString();
                    if (frame.Kind == '[')
                        return InputProblem.At(text, i, $"'{separator}' inside a list: list items are values (write an object item as {{ key = value }})");
                    if (!frame.Key)
                        return InputProblem.At(text, i, $"'{separator}' without a key before it");
                    if (frame.Separator)
                        return InputProblem.At(text, i, $"a second '{separator}' in one field (quote a value holding '=' or ':', or end the field with a newline or ',')");
                    frame.Separator = true;
                    i += separator.Length;
                    continue;
                case '`' or '^' or '?' or '!' or '@' or '*' or '&' or '\\' or '$':
                    return InputProblem.At(text, i, $"'{c}' is reserved in unquoted HOCON text: quote the value");
                default:
                    frame.Content();
                    break;
            }
            sawContent = true;
            i++;
        }

        if (frames.Peek().MissingValue) return InputProblem.At(text, text.Length, "a separator without a value after it");
        if (frames.Peek() is { Open: >= 0 } unclosed)
        {
            var opener = InputProblem.At(text, unclosed.Open, "");
            return InputProblem.At(text, text.Length,
                $"the '{unclosed.Kind}' opened at line {opener.Line}, column {opener.Column} is never closed");
        }
        return null;
    }

    /// <summary>An open object or list, and for an object what the current field has had so far.</summary>
    private sealed class Frame(int open, char kind)
    {
        public int Open { get; } = open;

        public char Kind { get; } = kind;

        public bool Key { get; private set; }

        public bool Separator { get; set; }

        private bool _value;

        /// <summary>A field whose '=' has nothing after it yet.</summary>
        public bool MissingValue => Separator && !_value;

        /// <summary>A key before the separator, a value after it.</summary>
        public void Content()
        {
            if (!Separator) Key = true;
            else _value = true;
        }

        public void EndField()
        {
            Key = false;
            Separator = false;
            _value = false;
        }
    }

    private static char Next(string text, int i) => i + 1 < text.Length ? text[i + 1] : '\0';

    private static int EndOfLine(string text, int i)
    {
        var end = text.IndexOf('\n', i);
        return end < 0 ? text.Length : end;
    }

    /// <summary>Index after the string starting at <paramref name="start"/> (a quoted or a triple-quoted one).</summary>
    private static int SkipString(string text, int start, out InputProblem? problem)
    {
        problem = null;
        if (string.CompareOrdinal(text, start, "\"\"\"", 0, 3) == 0)
        {
            var end = text.IndexOf("\"\"\"", start + 3, StringComparison.Ordinal);
            if (end < 0)
            {
                problem = InputProblem.At(text, start, "unterminated string: '\"\"\"' without a closing '\"\"\"'");
                return text.Length;
            }
            // A triple-quoted string ends at the last of a run of quotes.
            end += 3;
            while (end < text.Length && text[end] == '"') end++;
            return end;
        }

        for (var i = start + 1; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '"') return i + 1;
            if (c == '\\')
            {
                if (i + 1 < text.Length && !ValidEscape(text, i + 1))
                {
                    problem = InputProblem.At(text, i, $"unknown escape '\\{Excerpt.Line(text[i + 1].ToString(), 4)}' in a string (valid: \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX)");
                    return text.Length;
                }
                i++;
                continue;
            }
            if (c is '\n' or '\r')
            {
                problem = InputProblem.At(text, start, "unterminated string: a quoted string must end on the line it starts");
                return text.Length;
            }
            if (Excerpt.IsUnsafe(c) && c != '\t')
            {
                problem = InputProblem.At(text, i, $"control character U+{(int)c:X4} in a string (write it as an escape, e.g. \\n)");
                return text.Length;
            }
        }
        problem = InputProblem.At(text, start, "unterminated string: '\"' without a closing '\"'");
        return text.Length;
    }

    /// <summary>HOCON's (JSON's) escapes; <paramref name="at"/> is the character after the backslash.</summary>
    private static bool ValidEscape(string text, int at) => text[at] switch
    {
        '"' or '\\' or '/' or 'b' or 'f' or 'n' or 'r' or 't' => true,
        'u' => at + 4 < text.Length && !text.AsSpan(at + 1, 4).ContainsAnyExcept("0123456789abcdefABCDEF"),
        _ => false,
    };

    /// <summary>A substitution <c>${path}</c> or <c>${?path}</c> from <paramref name="dollar"/> to <paramref name="close"/>: why it is not one, or null.</summary>
    private static InputProblem? SubstitutionProblem(string text, int dollar, int close)
    {
        var path = text.AsSpan(dollar + 2, close - dollar - 2).Trim();
        if (path.StartsWith("?")) path = path[1..].Trim();
        if (path.IsEmpty) return InputProblem.At(text, dollar, "empty substitution: '${}' names no path");
        var bad = path.IndexOfAny("[]{}=:,+#`^?!@*&\\$");
        return bad < 0 ? null : InputProblem.At(text, dollar, $"'{path[bad]}' inside a substitution: '${{...}}' holds a path such as a.b.c");
    }
}
