using System.Collections.Immutable;
using VMPlant.Messages;

namespace VMPlant.Actors.Domain;

/// <summary>Attribute filters for listing VMs: every filter must match (case-insensitive values).</summary>
public static class VmQuery
{
    private static readonly ImmutableSortedDictionary<string, Func<VmInfo, IEnumerable<string>>> Attributes =
        new Dictionary<string, Func<VmInfo, IEnumerable<string>>>
        {
            ["id"] = vm => [vm.VmId],
            ["name"] = vm => [vm.Name],
            ["plant"] = vm => [vm.Plant],
            ["state"] = vm => [vm.State.ToString()],
            ["image"] = vm => [vm.ImageId],
            ["kind"] = vm => vm.Actions.Select(a => a.Kind),
            ["action"] = vm => vm.Actions.Select(a => a.Id),
        }.ToImmutableSortedDictionary(StringComparer.Ordinal);

    public static IReadOnlyCollection<string> Keys => Attributes.Keys.ToList();

    /// <summary>The first filter whose key is unknown, described for the user; null when all are known.</summary>
    public static string? Invalid(IEnumerable<VmFilter> filters)
    {
        // Filters from a hand-made message may be null or keyless: refused like an unknown key.
        foreach (var filter in filters)
            if (filter?.Key is not { } key || !Attributes.ContainsKey(key))
                return $"unknown filter key '{VMPlant.Messages.Specs.Excerpt.Line(filter?.Key ?? "", 60)}'; use one of: {string.Join(", ", Attributes.Keys)}";
        return null;
    }

    public static ImmutableArray<VmInfo> Filter(IEnumerable<VmInfo> vms, IReadOnlyCollection<VmFilter> filters) =>
        vms.Where(vm => filters.All(f => Attributes[f.Key](vm).Any(v => string.Equals(v, f.Value, StringComparison.OrdinalIgnoreCase))))
            .OrderBy(vm => vm.CreatedAt)
            .ThenBy(vm => vm.VmId, StringComparer.Ordinal)
            .ToImmutableArray();
}
