using System.Collections.Immutable;
using System.Globalization;
using Akka.Configuration.Hocon;
using VMPlant.Messages;

namespace VMPlant.Messages.Specs;

/// <summary>
/// Reads the parts of a spec out of a parsed HOCON tree, collecting every problem of form (missing keys, wrong shapes,
/// unknown fields, unreadable numbers). Problems of content (ranges, references, cycles) are left to VmSpecValidator (VMPlant.Actors).
/// </summary>
internal sealed class SpecTreeReader(InputLimits limits)
{
    private static readonly string[] ActionFields = ["id", "kind", "args", "after", "cost"];
    private static readonly string[] ResourceFields = ["vcpus", "memory-mib", "disk-gib"];

    private readonly List<SpecError> errors = [];

    public IReadOnlyList<SpecError> Errors => errors;

    public string ReadName(IReadOnlyList<KeyValuePair<string, HoconValue>> root) =>
        ReadRequiredString(Find(root, "name"), null, "name") ?? "";

    public Resources ReadResources(IReadOnlyList<KeyValuePair<string, HoconValue>> root)
    {
        var value = Find(root, "resources");
        switch (HoconValues.ShapeOf(value))
        {
            case HoconShape.Missing:
                errors.Add(SpecError.ForSpec("resources", "is missing"));
                return new Resources(0, 0, 0);
            case not HoconShape.Object:
                errors.Add(SpecError.ForSpec("resources", "expected an object"));
                return new Resources(0, 0, 0);
        }

        var fields = HoconValues.ObjectFields(value!);
        ReportUnknownFields(fields, ResourceFields, key => SpecError.ForSpec($"resources.{key}", UnknownField(ResourceFields)));
        var vcpus = ReadInteger(Find(fields, "vcpus"), "resources.vcpus", int.MinValue, int.MaxValue);
        var memory = ReadInteger(Find(fields, "memory-mib"), "resources.memory-mib", long.MinValue, long.MaxValue);
        var disk = ReadInteger(Find(fields, "disk-gib"), "resources.disk-gib", long.MinValue, long.MaxValue);
        return new Resources((int)vcpus, memory, disk);
    }

    public ImmutableArray<ActionSpec> ReadActions(IReadOnlyList<KeyValuePair<string, HoconValue>> root)
    {
        var value = Find(root, "actions");
        switch (HoconValues.ShapeOf(value))
        {
            case HoconShape.Missing:
                errors.Add(SpecError.ForSpec("actions", "is missing"));
                return [];
            case not HoconShape.List:
                errors.Add(SpecError.ForSpec("actions", "expected a list of actions"));
                return [];
        }

        var items = HoconValues.ListItems(value!);
        if (items.Count > limits.ActionsPerSpec)
        {
            errors.Add(SpecError.ForSpec("actions", $"{items.Count:N0} actions, over the limit of {limits.ActionsPerSpec:N0} (vmplant.limits.actions-per-spec)"));
            return [];
        }
        var actions = ImmutableArray.CreateBuilder<ActionSpec>(items.Count);
        for (var i = 0; i < items.Count; i++)
        {
            if (ReadAction(items[i], i) is { } action)
                actions.Add(action);
        }
        return actions.ToImmutable();
    }

    private ActionSpec? ReadAction(HoconValue value, int index)
    {
        var position = $"#{index + 1}";
        if (HoconValues.ShapeOf(value) != HoconShape.Object)
        {
            errors.Add(SpecError.ForAction(position, "", "expected an object"));
            return null;
        }

        var fields = HoconValues.ObjectFields(value);
        var id = ReadRequiredString(Find(fields, "id"), position, "id");
        var actionRef = id is not null && SpecLimits.ActionId().IsMatch(id) ? id : position;
        ReportUnknownFields(fields, ActionFields, key => SpecError.ForAction(actionRef, key, UnknownField(ActionFields)));
        var kind = ReadRequiredString(Find(fields, "kind"), actionRef, "kind");
        var args = ReadArgs(Find(fields, "args"), actionRef);
        var after = ReadAfter(Find(fields, "after"), actionRef);
        var cost = ReadCost(Find(fields, "cost"), actionRef);
        return new ActionSpec(id ?? "", kind ?? "", args, after, cost);
    }

    private ImmutableSortedDictionary<string, string> ReadArgs(HoconValue? value, string actionRef)
    {
        var args = ImmutableSortedDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
        switch (HoconValues.ShapeOf(value))
        {
            case HoconShape.Missing:
                return args.ToImmutable();
            case not HoconShape.Object:
                errors.Add(SpecError.ForAction(actionRef, "args", "expected an object"));
                return args.ToImmutable();
        }

        foreach (var (key, argValue) in HoconValues.ObjectFields(value!))
        {
            if (key.Length > limits.StringLength)
                errors.Add(SpecError.ForAction(actionRef, "args", TooLong("an arg name", key)));
            else if (ArgValueCanonicaliser.Canonicalise(argValue, limits, out var problem) is { } text)
                args[key] = text;
            else
                errors.Add(SpecError.ForAction(actionRef, $"args.{key}", problem!));
        }
        return args.ToImmutable();
    }

    private ImmutableArray<string> ReadAfter(HoconValue? value, string actionRef)
    {
        switch (HoconValues.ShapeOf(value))
        {
            case HoconShape.Missing:
                return [];
            case HoconShape.Scalar when HoconValues.ScalarText(value!) is var single:
                if (single.Length <= limits.StringLength) return [single];
                errors.Add(SpecError.ForAction(actionRef, "after", TooLong("an id", single)));
                return [];
            case HoconShape.List:
                var ids = ImmutableArray.CreateBuilder<string>();
                foreach (var item in HoconValues.ListItems(value!))
                {
                    if (HoconValues.ShapeOf(item) == HoconShape.Scalar && HoconValues.ScalarText(item) is var afterId)
                    {
                        if (afterId.Length > limits.StringLength)
                        {
                            errors.Add(SpecError.ForAction(actionRef, "after", TooLong("an id", afterId)));
                            return [];
                        }
                        ids.Add(afterId);
                    }
                    else
                    {
                        errors.Add(SpecError.ForAction(actionRef, "after", "expected a list of action ids"));
                        return [];
                    }
                }
                return ids.ToImmutable();
            default:
                errors.Add(SpecError.ForAction(actionRef, "after", "expected a list of action ids"));
                return [];
        }
    }

    /// <summary>A missing cost means a negligible action: 0 seconds.</summary>
    private double ReadCost(HoconValue? value, string actionRef)
    {
        switch (HoconValues.ShapeOf(value))
        {
            case HoconShape.Missing:
                return 0;
            case HoconShape.Scalar:
                var text = HoconValues.ScalarText(value!);
                if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var cost))
                    return cost;
                errors.Add(SpecError.ForAction(actionRef, "cost", $"expected a number of seconds, got {Excerpt.Of(text)}"));
                return 0;
            default:
                errors.Add(SpecError.ForAction(actionRef, "cost", "expected a number of seconds"));
                return 0;
        }
    }

    private string? ReadRequiredString(HoconValue? value, string? actionRef, string field)
    {
        switch (HoconValues.ShapeOf(value))
        {
            case HoconShape.Scalar:
                var text = HoconValues.ScalarText(value!);
                if (text.Length <= limits.StringLength) return text;
                errors.Add(new SpecError(actionRef, field, TooLong("the value", text)));
                return null;
            case HoconShape.Missing:
                errors.Add(new SpecError(actionRef, field, "is missing"));
                return null;
            default:
                errors.Add(new SpecError(actionRef, field, "expected a string"));
                return null;
        }
    }

    private long ReadInteger(HoconValue? value, string field, long min, long max)
    {
        switch (HoconValues.ShapeOf(value))
        {
            case HoconShape.Missing:
                errors.Add(SpecError.ForSpec(field, "is missing"));
                return 0;
            case HoconShape.Scalar:
                var text = HoconValues.ScalarText(value!);
                if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number)
                    && number >= min && number <= max)
                    return number;
                errors.Add(SpecError.ForSpec(field, $"expected an integer, got {Excerpt.Of(text)}"));
                return 0;
            default:
                errors.Add(SpecError.ForSpec(field, "expected an integer"));
                return 0;
        }
    }

    private void ReportUnknownFields(
        IReadOnlyList<KeyValuePair<string, HoconValue>> fields, string[] known, Func<string, SpecError> describe)
    {
        foreach (var (key, _) in fields)
        {
            if (!known.Contains(key, StringComparer.Ordinal))
                errors.Add(describe(key.Length > 64 ? key[..64] + "…" : key));
        }
    }

    private string TooLong(string what, string text) =>
        $"{what} is {text.Length:N0} characters long, over the limit of {limits.StringLength:N0} (vmplant.limits.string-length): {Excerpt.Of(text, 24)}";

    private static string UnknownField(string[] known) => $"unknown field (expected one of {string.Join(", ", known)})";

    private static HoconValue? Find(IReadOnlyList<KeyValuePair<string, HoconValue>> fields, string key)
    {
        foreach (var (name, value) in fields)
        {
            if (string.Equals(name, key, StringComparison.Ordinal))
                return value;
        }
        return null;
    }
}
