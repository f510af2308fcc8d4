using System.Text.RegularExpressions;
using Akka.Configuration;
using Akka.Configuration.Hocon;

namespace VMPlant.Messages.Specs;

/// <summary>
/// Parses text with Akka's HOCON parser and turns its failures into <see cref="SpecValidationException"/>.
/// It also keeps out the inputs on which that parser does not fail cleanly: optional substitutions (<c>${?x}</c>)
/// inside a list make it loop forever, and a self-referential substitution (<c>a = ${a} [1]</c>) makes reading
/// the tree overflow the stack, which no catch can stop.
/// </summary>
internal static partial class HoconDocument
{
    private const int MaxDepth = 200;

    /// <summary>The fields of the document's root object.</summary>
    public static IReadOnlyList<KeyValuePair<string, HoconValue>> Load(string text, string sourceName, InputLimits limits)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(sourceName);

        if (System.Text.Encoding.UTF8.GetByteCount(text) > limits.SpecBytes)
            throw Failure(sourceName, $"the text is over the limit of {limits.SpecBytes:N0} bytes (vmplant.limits.spec-bytes)");
        // Akka's parser must never see what it would accept wrongly or loop on.
        if (HoconSyntaxCheck.FindProblem(text, limits.NestingDepth) is { } syntax)
            throw Failure(sourceName, syntax.ToString());
        if (text.IndexOf("${?", StringComparison.Ordinal) is var optional and >= 0)
            throw Failure(sourceName, InputProblem.At(text, optional, "optional substitutions (${?...}) are not supported").ToString());

        Config config;
        try
        {
            config = ConfigurationFactory.ParseString(text, RefuseInclude);
        }
        catch (IncludeRefusedException refused)
        {
            var at = Math.Max(0, text.IndexOf("include", StringComparison.Ordinal));
            throw Failure(sourceName, InputProblem.At(text, at, refused.Message).ToString());
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw Failure(sourceName, Explain(e, text));
        }

        var root = config.Root;
        if (root is null || !root.IsObject())
            throw Failure(sourceName, "the document is not an object");
        if (FindSubstitutionCycle(root, new HashSet<HoconValue>(ReferenceEqualityComparer.Instance),
                new HashSet<HoconValue>(ReferenceEqualityComparer.Instance), 0) is { } problem)
            throw Failure(sourceName, problem);
        return HoconValues.ObjectFields(root);
    }

    private static SpecValidationException Failure(string sourceName, string problem) =>
        new(sourceName, [SpecError.ForSpec("hocon", problem)]);

    private static HoconRoot RefuseInclude(string resource) =>
        throw new IncludeRefusedException($"include \"{resource}\" is not supported: keep a spec in one file");

    private static string Explain(Exception e, string text)
    {
        // Akka's messages span lines and quote the input: keep its first line, short and escaped, at a line and column.
        var first = e.Message.Split('\n').Select(line => line.Trim()).FirstOrDefault(line => line.Length > 0) ?? e.GetType().Name;
        var position = AnyPosition().Match(first);
        var unresolved = UnresolvedSubstitution().Match(first);
        var at = position.Success && int.TryParse(position.Groups[1].ValueSpan, out var index) ? Math.Clamp(index, 0, text.Length)
            : unresolved.Success ? text.IndexOf("${" + unresolved.Groups[1].Value + "}", StringComparison.Ordinal)
            : -1;
        var problem = position.Success ? first[..position.Index].TrimEnd() : first;
        var message = at >= 0
            ? InputProblem.At(text, at, Excerpt.Line(problem, 200)).ToString()
            : $"{Excerpt.Line(first, 200)} (Akka's HOCON parser gave no position)";
        if (LooksLikeObjectFollowedByComma(e.Message, text))
            message += "; hint: Akka's HOCON parser rejects a comma after 'key { ... }'; write 'key = { ... },' or end the line instead";
        return message;
    }

    /// <summary>Akka's parser fails on <c>args { x = 1 }, cost = 2</c>, which HOCON allows.</summary>
    private static bool LooksLikeObjectFollowedByComma(string message, string text)
    {
        var match = UnknownTokenPosition().Match(message);
        if (!match.Success || !int.TryParse(match.Groups[1].ValueSpan, out var position))
            return false;
        if (position < 0 || position >= text.Length || text[position] != ',')
            return false;
        var before = text.AsSpan(0, position).TrimEnd();
        return before.Length > 0 && before[^1] == '}';
    }

    private static string? FindSubstitutionCycle(HoconValue value, HashSet<HoconValue> onPath, HashSet<HoconValue> cleared, int depth)
    {
        if (cleared.Contains(value))
            return null;
        if (depth > MaxDepth)
            return $"the document is nested more than {MaxDepth} levels deep";
        if (!onPath.Add(value))
            return "a substitution refers to itself (HOCON self-references such as 'a = ${a} [...]' are not supported)";

        foreach (var element in value.Values)
        {
            var children = element switch
            {
                HoconObject obj => obj.Items.Values,
                HoconArray array => array,
                HoconSubstitution { ResolvedValue: { } resolved } => [resolved],
                _ => (IEnumerable<HoconValue>)[],
            };
            foreach (var child in children)
            {
                if (FindSubstitutionCycle(child, onPath, cleared, depth + 1) is { } problem)
                    return problem;
            }
        }

        onPath.Remove(value);
        cleared.Add(value);
        return null;
    }

    [GeneratedRegex(@"^Unknown token at position (\d+)")]
    private static partial Regex UnknownTokenPosition();

    [GeneratedRegex(@"^Unresolved substitution: (\S+)")]
    private static partial Regex UnresolvedSubstitution();

    [GeneratedRegex(@"at position (\d+)")]
    private static partial Regex AnyPosition();

    private sealed class IncludeRefusedException(string message) : Exception(message);
}
