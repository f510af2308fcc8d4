using System.Text.RegularExpressions;
using VMPlant.Messages;

namespace VMPlant.Actors.Domain;

/// <summary>
/// Checks a spec before anything is built from it. Every message names the action and the field at fault, so a
/// user can fix the file without guessing.
/// </summary>
public static partial class VmSpecValidator
{
    /// <summary>Costs are estimated seconds; a week for one action is already implausible.</summary>
    public const double MaxCost = 7 * 24 * 3600;

    public static readonly IReadOnlySet<string> KnownKinds =
        new HashSet<string> { "install-os", "install-package", "copy-file", "run-script", "set-property" };

    [GeneratedRegex(@"\A[A-Za-z0-9][A-Za-z0-9._-]{0,63}\z")]
    private static partial Regex SafeName();

    [GeneratedRegex(@"\A[A-Za-z0-9._-]{1,64}\z")]
    private static partial Regex ActionId();

    [GeneratedRegex(@"\A[a-z][a-z0-9]*(-[a-z0-9]+)*\z")]
    private static partial Regex Kind();

    public static void EnsureValid(VmSpec spec)
    {
        var errors = Validate(spec);
        if (errors.Count > 0) throw new SpecValidationException(errors);
    }

    public static IReadOnlyList<string> Validate(VmSpec spec)
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(spec.Name) || !SafeName().IsMatch(spec.Name))
            errors.Add($"name '{spec.Name}' is not usable as a VM name: use 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit");
        ValidateResources(spec.Resources, errors);
        if (spec.Actions.IsDefaultOrEmpty)
        {
            errors.Add($"spec '{spec.Name}' has no actions");
            return errors;
        }
        ValidateActions(spec.Actions, errors);
        return errors;
    }

    /// <summary>Action-level checks, shared by whole specs and by actions added to a running VM.</summary>
    public static void ValidateActions(IReadOnlyList<ActionSpec> actions, List<string> errors)
    {
        var ids = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < actions.Count; i++)
        {
            var a = actions[i];
            var where = string.IsNullOrWhiteSpace(a.Id) ? $"action #{i + 1}" : $"action '{a.Id}'";
            if (string.IsNullOrWhiteSpace(a.Id)) errors.Add($"{where}: id is missing");
            else if (!ActionId().IsMatch(a.Id)) errors.Add($"{where}: id must be 1-64 letters, digits, '.', '_' or '-'");
            else if (!ids.Add(a.Id)) errors.Add($"{where}: id is used by more than one action");

            if (string.IsNullOrWhiteSpace(a.Kind)) errors.Add($"{where}: kind is missing");
            else if (!Kind().IsMatch(a.Kind))
                errors.Add($"{where}: kind '{a.Kind}' is not a kind (lowercase words joined by '-', e.g. {string.Join(", ", KnownKinds.Order())})");

            if (!double.IsFinite(a.Cost) || a.Cost < 0 || a.Cost > MaxCost)
                errors.Add($"{where}: cost must be between 0 and {MaxCost} seconds, got {a.Cost}");
            if (a.Args is not null && a.Args.Keys.Any(string.IsNullOrWhiteSpace))
                errors.Add($"{where}: args has a blank key");
        }

        foreach (var a in actions.Where(a => !string.IsNullOrWhiteSpace(a.Id)))
        {
            foreach (var prerequisite in a.After.IsDefault ? [] : a.After)
            {
                if (prerequisite == a.Id) errors.Add($"action '{a.Id}': after names the action itself");
                else if (!ids.Contains(prerequisite)) errors.Add($"action '{a.Id}': after names unknown action '{prerequisite}'");
            }
        }
        if (errors.Count == 0 && FindCycle(actions) is { } cycle)
            errors.Add("cycle: " + string.Join(" -> ", cycle));
    }

    private static void ValidateResources(ResourceSpec? r, List<string> errors)
    {
        if (r is null)
        {
            errors.Add("resources are missing");
            return;
        }
        if (r.Vcpus is < 1 or > 1024) errors.Add($"resources.vcpus must be between 1 and 1024, got {r.Vcpus}");
        if (r.MemoryMiB is < 16 or > 16L * 1024 * 1024) errors.Add($"resources.memory-mib must be between 16 and 16777216 (16 TiB), got {r.MemoryMiB}");
        if (r.DiskGiB is < 1 or > 64L * 1024) errors.Add($"resources.disk-gib must be between 1 and 65536 (64 TiB), got {r.DiskGiB}");
    }

    /// <summary>The first dependency cycle in spec order, as a closed path (a -> b -> a), or null.</summary>
    private static IReadOnlyList<string>? FindCycle(IReadOnlyList<ActionSpec> actions)
    {
        var after = actions.ToDictionary(a => a.Id, a => a.After.IsDefault ? [] : a.After, StringComparer.Ordinal);
        var state = new Dictionary<string, bool>(StringComparer.Ordinal); // false: on the current path, true: done
        var path = new List<string>();

        IReadOnlyList<string>? Visit(string id)
        {
            if (state.TryGetValue(id, out var done))
                return done ? null : path.Skip(path.IndexOf(id)).Append(id).ToList();
            state[id] = false;
            path.Add(id);
            foreach (var prerequisite in after[id])
                if (Visit(prerequisite) is { } cycle) return cycle;
            path.RemoveAt(path.Count - 1);
            state[id] = true;
            return null;
        }

        foreach (var action in actions)
            if (Visit(action.Id) is { } cycle)
            {
                // Found by following "after" edges backwards; report it in execution order.
                var forward = cycle.ToList();
                forward.Reverse();
                return forward;
            }
        return null;
    }
}
