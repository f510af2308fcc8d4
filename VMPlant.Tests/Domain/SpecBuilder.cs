using System.Collections.Immutable;
using VMPlant.Actors.Domain;
using VMPlant.Messages;

namespace VMPlant.Tests.Domain;

/// <summary>Short ways to write specs in tests.</summary>
internal static class SpecBuilder
{
    public static readonly ResourceSpec SmallVm = new(2, 2048, 10);

    public static ImmutableSortedDictionary<string, string> Args(params (string Key, string Value)[] args) =>
        args.ToImmutableSortedDictionary(a => a.Key, a => a.Value, StringComparer.Ordinal);

    public static ActionSpec Action(
        string id, string kind = "run-script", double cost = 1, string[]? after = null, ImmutableSortedDictionary<string, string>? args = null) =>
        new(id, kind, args ?? Args(("script", $"echo {id}")), [.. after ?? []], cost);

    public static VmSpec Spec(params ActionSpec[] actions) => new("test-vm", SmallVm, [.. actions]);

    public static VmSpec Spec(string name, params ActionSpec[] actions) => new(name, SmallVm, [.. actions]);

    public static ConfigDag Dag(params ActionSpec[] actions) => ConfigDag.Build(Spec(actions));

    public static ActionSpec DebianOs(string id = "os", double cost = 600) =>
        Action(id, "install-os", cost, args: Args(("distro", "debian"), ("release", "12")));

    public static ActionSpec OpenMpi(string id = "mpi", string after = "os", double cost = 120) =>
        Action(id, "install-package", cost, [after], Args(("package", "openmpi")));

    public static IReadOnlyList<string> TextsOf(IEnumerable<SpecError> errors) => errors.Select(e => e.Message).ToList();
}
