using System.Collections.Immutable;
using System.Globalization;
using VMPlant.Messages;

namespace VMPlant.Actors.Domain;

/// <summary>
/// Checks a <see cref="VmSpec"/>'s content, however it was made (parsed, or received in a message). It never throws on
/// malformed input such as null fields; each problem becomes a <see cref="SpecError"/> naming the action and field:
/// <list type="bullet">
/// <item>name: missing, or not <see cref="SpecLimits.VmNamePattern"/>; resources: missing or out of range;</item>
/// <item>no actions, or more than <see cref="SpecLimits.MaxActions"/>;</item>
/// <item>per action: missing/blank or malformed id, missing/blank or unacceptable kind, blank arg keys or null values,
/// blank/unknown <c>after</c> ids, depending on itself, cost not within 0..<see cref="SpecLimits.MaxActionCostSeconds"/>;</item>
/// <item>ids used twice; dependency cycles, named in run order ("cycle: a -> b -> c -> a");</item>
/// <item>two actions with the same content (kind, args and prerequisites), which would share one identity.</item>
/// </list>
/// Null args and a default <c>after</c> array are read as empty.
/// </summary>
public static class VmSpecValidator
{
    public static IReadOnlyList<SpecError> Validate(VmSpec spec) => Analyse(spec).Errors;

    /// <exception cref="SpecValidationException">With every error found.</exception>
    public static void EnsureValid(VmSpec spec)
    {
        var errors = Validate(spec);
        if (errors.Count > 0)
            throw new SpecValidationException(null, errors);
    }

    /// <summary>
    /// The checks that need nothing but the actions themselves, for actions added to a running VM before its plant
    /// checks the whole: each action's fields, and ids used twice among them. Their <c>after</c> ids may name the VM's
    /// own actions (or those of configures queued before them), so only blank and self references are refused here.
    /// </summary>
    public static IReadOnlyList<SpecError> ValidateAdded(ImmutableArray<ActionSpec> actions)
    {
        var errors = new List<SpecError>();
        if (actions.IsDefault)
            return [SpecError.ForSpec("actions", "is missing")];
        var named = actions.Where(a => a is not null).SelectMany(a => (a.After.IsDefault ? [] : a.After).Append(a.Id))
            .Where(id => id is not null).ToHashSet(StringComparer.Ordinal);
        for (var i = 0; i < actions.Length; i++)
            CheckAction(actions[i], i, actions[i]?.Id is { } id && SpecLimits.ActionId().IsMatch(id) ? id : $"#{i + 1}", named, errors);
        CheckDuplicateIds(actions, errors);
        return errors;
    }

    internal static SpecAnalysis Analyse(VmSpec? spec)
    {
        var errors = new List<SpecError>();
        if (spec is null)
            return new SpecAnalysis([SpecError.ForSpec("spec", "is missing")], null, null, null);

        CheckName(spec.Name, errors);
        CheckResources(spec.Resources, errors);

        var actions = spec.Actions.IsDefault ? [] : spec.Actions;
        if (actions.Length == 0)
        {
            errors.Add(SpecError.ForSpec("actions", "the spec has no actions"));
            return new SpecAnalysis(errors, null, null, null);
        }
        if (actions.Length > SpecLimits.MaxActions)
        {
            errors.Add(SpecError.ForSpec("actions", $"{actions.Length} actions exceed the limit of {SpecLimits.MaxActions}"));
            return new SpecAnalysis(errors, null, null, null);
        }

        var refs = actions.Select((a, i) => a?.Id is { } id && SpecLimits.ActionId().IsMatch(id) ? id : $"#{i + 1}").ToArray();
        var knownIds = actions.Where(a => a?.Id is not null).Select(a => a.Id).ToHashSet(StringComparer.Ordinal);
        for (var i = 0; i < actions.Length; i++)
            CheckAction(actions[i], i, refs[i], knownIds, errors);
        var idsUnique = CheckDuplicateIds(actions, errors);

        var structureKnown = idsUnique && actions.All(a => a is not null && !string.IsNullOrWhiteSpace(a.Id));
        if (!structureKnown)
            return new SpecAnalysis(errors, null, null, null);

        var graph = ActionGraph.From(actions);
        var order = TopologicalSorter.Sort(graph);
        if (order.Length < graph.Count)
        {
            var unplaced = Enumerable.Range(0, graph.Count).Except(order);
            foreach (var cycle in CycleFinder.Find(graph, unplaced))
            {
                var text = string.Join(" -> ", cycle.Select(p => actions[p].Id));
                errors.Add(SpecError.ForAction(refs[cycle[0]], "after", $"cycle: {text}"));
            }
            return new SpecAnalysis(errors, null, null, null);
        }
        if (errors.Count > 0)
            return new SpecAnalysis(errors, null, null, null);

        var identities = IdentityCalculator.Compute(graph, order);
        CheckSameContent(actions, identities, errors);
        return errors.Count > 0
            ? new SpecAnalysis(errors, null, null, null)
            : new SpecAnalysis(errors, graph, order, identities);
    }

    private static void CheckName(string? name, List<SpecError> errors)
    {
        if (string.IsNullOrWhiteSpace(name))
            errors.Add(SpecError.ForSpec("name", "is missing"));
        else if (!SpecLimits.VmName().IsMatch(name))
            errors.Add(SpecError.ForSpec("name", $"'{name}' is not a valid VM name (expected {SpecLimits.VmNamePattern})"));
    }

    private static void CheckResources(Resources? resources, List<SpecError> errors)
    {
        if (resources is null)
        {
            errors.Add(SpecError.ForSpec("resources", "is missing"));
            return;
        }
        CheckRange("resources.vcpus", resources.Vcpus, SpecLimits.MinVcpus, SpecLimits.MaxVcpus, errors);
        CheckRange("resources.memory-mib", resources.MemoryMiB, SpecLimits.MinMemoryMiB, SpecLimits.MaxMemoryMiB, errors);
        CheckRange("resources.disk-gib", resources.DiskGiB, SpecLimits.MinDiskGiB, SpecLimits.MaxDiskGiB, errors);
    }

    private static void CheckRange(string field, long value, long min, long max, List<SpecError> errors)
    {
        if (value < min || value > max)
            errors.Add(SpecError.ForSpec(field, $"{value} is out of range {min}..{max}"));
    }

    private static void CheckAction(ActionSpec? action, int index, string actionRef, HashSet<string> knownIds, List<SpecError> errors)
    {
        if (action is null)
        {
            errors.Add(SpecError.ForAction(actionRef, "", "is missing"));
            return;
        }

        if (string.IsNullOrWhiteSpace(action.Id))
            errors.Add(SpecError.ForAction(actionRef, "id", "is missing"));
        else if (!SpecLimits.ActionId().IsMatch(action.Id))
            errors.Add(SpecError.ForAction(actionRef, "id",
                $"'{action.Id}' is not a valid action id (expected {SpecLimits.ActionIdPattern})"));

        if (string.IsNullOrWhiteSpace(action.Kind))
            errors.Add(SpecError.ForAction(actionRef, "kind", "is missing"));
        else if (!ActionKinds.IsAcceptable(action.Kind))
            errors.Add(SpecError.ForAction(actionRef, "kind",
                $"'{action.Kind}' is not a known kind ({string.Join(", ", ActionKinds.WellKnown)}) and does not match {ActionKinds.KindPattern}"));

        foreach (var (key, value) in action.Args ?? ImmutableSortedDictionary<string, string>.Empty)
        {
            if (string.IsNullOrWhiteSpace(key))
                errors.Add(SpecError.ForAction(actionRef, "args", "has a blank key"));
            else if (value is null)
                errors.Add(SpecError.ForAction(actionRef, $"args.{key}", "is null"));
        }

        CheckAfter(action, actionRef, knownIds, errors);

        if (!(action.Cost >= 0 && action.Cost <= SpecLimits.MaxActionCostSeconds))
            errors.Add(SpecError.ForAction(actionRef, "cost",
                $"{action.Cost.ToString(CultureInfo.InvariantCulture)} is not between 0 and {SpecLimits.MaxActionCostSeconds} seconds (7 days)"));
    }

    private static void CheckAfter(ActionSpec action, string actionRef, HashSet<string> knownIds, List<SpecError> errors)
    {
        var after = action.After.IsDefault ? [] : action.After;
        var reported = new HashSet<string>(StringComparer.Ordinal);
        foreach (var id in after)
        {
            if (string.IsNullOrWhiteSpace(id))
            {
                if (reported.Add(""))
                    errors.Add(SpecError.ForAction(actionRef, "after", "contains a blank id"));
            }
            else if (string.Equals(id, action.Id, StringComparison.Ordinal))
            {
                if (reported.Add(id))
                    errors.Add(SpecError.ForAction(actionRef, "after", "depends on itself"));
            }
            else if (!knownIds.Contains(id) && reported.Add(id))
            {
                errors.Add(SpecError.ForAction(actionRef, "after", $"unknown action '{id}'"));
            }
        }
    }

    private static bool CheckDuplicateIds(ImmutableArray<ActionSpec> actions, List<SpecError> errors)
    {
        var duplicates = actions
            .Select((action, index) => (Id: action?.Id, Position: index + 1))
            .Where(a => !string.IsNullOrWhiteSpace(a.Id))
            .GroupBy(a => a.Id!, StringComparer.Ordinal)
            .Where(g => g.Count() > 1)
            .ToList();
        foreach (var group in duplicates)
        {
            var positions = string.Join(", ", group.Select(a => $"#{a.Position}"));
            errors.Add(SpecError.ForAction(group.Key, "id", $"is used by more than one action ({positions})"));
        }
        return duplicates.Count == 0;
    }

    private static void CheckSameContent(ImmutableArray<ActionSpec> actions, ActionIdentity[] identities, List<SpecError> errors)
    {
        var firstWithIdentity = new Dictionary<ActionIdentity, int>();
        for (var i = 0; i < actions.Length; i++)
        {
            if (!firstWithIdentity.TryAdd(identities[i], i))
            {
                var first = actions[firstWithIdentity[identities[i]]].Id;
                errors.Add(SpecError.ForAction(actions[i].Id, "",
                    $"has the same kind, args and prerequisites as '{first}', so the two cannot be told apart"));
            }
        }
    }
}
