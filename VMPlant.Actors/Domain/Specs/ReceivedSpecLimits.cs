using System.Collections.Immutable;
using System.Text;
using VMPlant.Messages;

namespace VMPlant.Actors.Domain;

/// <summary>
/// The <see cref="InputLimits"/> the CLI applies while reading a spec file, applied by the shop to a spec or actions
/// received in a message: a client that bypasses the CLI (or raised its own limits) gets the same refusal, naming the
/// limit's key. Strings (name, ids, kinds, arg keys, plain arg values) are bounded by <c>string-length</c>; an arg
/// holding a list or object (canonical JSON) by <c>arg-bytes</c> and <c>arg-depth</c>; a spec's actions by
/// <c>actions-per-spec</c>. Null fields are left to <see cref="VmSpecValidator"/>.
/// </summary>
public static class ReceivedSpecLimits
{
    public static IReadOnlyList<SpecError> Problems(VmSpec? spec, InputLimits limits)
    {
        var errors = new List<SpecError>();
        if (spec is null) return errors;
        if (TooLong(spec.Name, limits) is { } name) errors.Add(SpecError.ForSpec("name", name));
        CheckActions(spec.Actions, limits, errors);
        return errors;
    }

    public static IReadOnlyList<SpecError> Problems(ImmutableArray<ActionSpec> actions, InputLimits limits)
    {
        var errors = new List<SpecError>();
        CheckActions(actions, limits, errors);
        return errors;
    }

    private static void CheckActions(ImmutableArray<ActionSpec> actions, InputLimits limits, List<SpecError> errors)
    {
        if (actions.IsDefault) return;
        if (actions.Length > limits.ActionsPerSpec)
        {
            errors.Add(SpecError.ForSpec("actions", $"{actions.Length:N0} actions, over the limit of {limits.ActionsPerSpec:N0} (vmplant.limits.actions-per-spec)"));
            return;
        }
        for (var i = 0; i < actions.Length; i++)
        {
            if (actions[i] is not { } action) continue;
            var actionRef = action.Id is { } id && SpecLimits.ActionId().IsMatch(id) ? id : $"#{i + 1}";
            void Check(string field, string? problem)
            {
                if (problem is not null) errors.Add(SpecError.ForAction(actionRef, field, problem));
            }
            Check("id", TooLong(action.Id, limits));
            Check("kind", TooLong(action.Kind, limits));
            foreach (var (key, value) in action.Args ?? ImmutableSortedDictionary<string, string>.Empty)
            {
                Check("args", TooLong(key, limits) is { } longKey ? "a key " + longKey : null);
                Check($"args.{Shorten(key)}", ArgProblem(value, limits));
            }
            foreach (var after in action.After.IsDefault ? [] : action.After)
                Check("after", TooLong(after, limits) is { } longId ? "an id " + longId : null);
        }
    }

    private static string? TooLong(string? text, InputLimits limits) =>
        text is not null && text.Length > limits.StringLength
            ? $"is {text.Length:N0} characters long, over the limit of {limits.StringLength:N0} (vmplant.limits.string-length)"
            : null;

    /// <summary>A list or object arrives as canonical JSON (see the CLI's canonicaliser); anything else is plain text.</summary>
    private static string? ArgProblem(string? value, InputLimits limits)
    {
        if (value is null) return null;
        var container = value.Length >= 2 && (value[0], value[^1]) is ('[', ']') or ('{', '}');
        if (!container) return TooLong(value, limits);
        var bytes = Encoding.UTF8.GetByteCount(value);
        if (bytes > limits.ArgBytes)
            return $"is {bytes:N0} bytes as JSON, over the limit of {limits.ArgBytes:N0} (vmplant.limits.arg-bytes)";
        return Depth(value) > limits.ArgDepth ? $"nests lists and objects more than {limits.ArgDepth} deep (vmplant.limits.arg-depth)" : null;
    }

    /// <summary>How deep brackets nest in JSON text, not counting those inside strings.</summary>
    private static int Depth(string json)
    {
        int depth = 0, deepest = 0;
        bool inString = false, escaped = false;
        foreach (var c in json)
        {
            if (inString)
            {
                if (escaped) escaped = false;
                else if (c == '\\') escaped = true;
                else if (c == '"') inString = false;
            }
            else if (c == '"') inString = true;
            else if (c is '[' or '{') deepest = Math.Max(deepest, ++depth);
            else if (c is ']' or '}') depth--;
        }
        return deepest;
    }

    private static string Shorten(string key) => key.Length <= 40 ? key : key[..40] + "…";
}
