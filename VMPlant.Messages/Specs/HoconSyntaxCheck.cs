namespace VMPlant.Messages.Specs;

/// <summary>
/// A strict pre-scan of HOCON text, run before Akka's parser sees it. Akka's parser accepts broken documents
/// (an unclosed '[', an unterminated string, '}}}' after the end, '{{{{' in a config file) and loops forever,
/// allocating, on an assignment inside a list: <c>a=[=]</c>, <c>a=[:]</c>, <c>a = [ b = 1 ]</c>, <c>a=[{}=1]</c>,
/// <c>a=[1 = 2]</c> (an '=' or ':' that does not directly follow unquoted text in a list). So this scan requires:
/// balanced brackets that close what they opened, terminated strings and substitutions, nothing after a document
/// written in braces, no '=', ':' or '+=' directly inside a list, no control characters, and at most
/// <c>maxDepth</c> nested brackets — and names the line and column of the first thing it refuses.
/// Semantics (keys, values, substitutions) stay with Akka's parser.
/// </summary>
public static class HoconSyntaxCheck
{
    public static InputProblem? FindProblem(string text, int maxDepth)
    {
        ArgumentNullException.ThrowIfNull(text);
        var open = new Stack<int>();
        var bracedRoot = false;
        var documentEnd = -1;
        var sawContent = false;
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (c == '\uFEFF' && i == 0) { i++; continue; }
            if (c is ' ' or '\t' or '\n' or '\r') { i++; continue; }
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
                    i = afterString;
                    sawContent = true;
                    continue;
                case '$' when Next(text, i) == '{':
                    var close = text.IndexOfAny(['}', '\n'], i + 2);
                    if (close < 0 || text[close] != '}')
                        return InputProblem.At(text, i, "unterminated substitution: '${' without '}' on the same line");
                    i = close + 1;
                    sawContent = true;
                    continue;
                case '{' or '[':
                    if (open.Count >= maxDepth)
                        return InputProblem.At(text, i, $"nested more than {maxDepth} levels deep");
                    if (!sawContent && c == '{') bracedRoot = true;
                    open.Push(i);
                    break;
                case '}' or ']':
                    var expected = c == '}' ? '{' : '[';
                    if (open.Count == 0)
                        return InputProblem.At(text, i, $"'{c}' without a matching '{expected}'");
                    if (text[open.Peek()] != expected)
                    {
                        var opener = InputProblem.At(text, open.Peek(), "");
                        return InputProblem.At(text, i,
                            $"'{c}' closes the '{text[open.Peek()]}' opened at line {opener.Line}, column {opener.Column}");
                    }
                    open.Pop();
                    if (open.Count == 0 && bracedRoot) documentEnd = i;
                    break;
                case '=' or ':' when InList(text, open):
                    return InputProblem.At(text, i, $"'{c}' inside a list: list items are values (write an object item as {{ key = value }})");
                case '+' when Next(text, i) == '=' && InList(text, open):
                    return InputProblem.At(text, i, "'+=' inside a list: list items are values");
            }
            sawContent = true;
            i++;
        }

        if (open.Count > 0)
        {
            var opener = InputProblem.At(text, open.Peek(), "");
            return InputProblem.At(text, text.Length,
                $"the '{text[open.Peek()]}' opened at line {opener.Line}, column {opener.Column} is never closed");
        }
        return null;
    }

    private static bool InList(string text, Stack<int> open) => open.Count > 0 && text[open.Peek()] == '[';

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
            if (c == '\\') { i++; continue; }
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
}
