using System.Collections.Immutable;
using VMPlant.Actors.Domain;
using VMPlant.Messages;

namespace VMPlant.Tests.Support;

/// <summary>Short ways to write VM specs in tests, the way a user would (ids, kinds, args, edges, costs).</summary>
public static class SpecBuilder
{
    public static readonly Resources Small = new(1, 512, 2);

    public static ImmutableSortedDictionary<string, string> Args(params (string Key, string Value)[] args) =>
        args.ToImmutableSortedDictionary(a => a.Key, a => a.Value, StringComparer.Ordinal);

    /// <summary>An action; without args it runs <c>echo id</c>, so two actions never share content by accident.</summary>
    public static ActionSpec Action(
        string id, string kind = "run-script", double cost = 1, string[]? after = null, ImmutableSortedDictionary<string, string>? args = null) =>
        new(id, kind, args ?? Args(("script", $"echo {id}")), [.. after ?? []], cost);

    public static ActionSpec Action(string id, string kind, double cost, string[]? after, params (string Key, string Value)[] args) =>
        Action(id, kind, cost, after, Args(args));

    public static VmSpec Spec(params ActionSpec[] actions) => new("test-vm", Small, [.. actions]);

    public static VmSpec Spec(string name, params ActionSpec[] actions) => new(name, Small, [.. actions]);

    public static VmSpec Spec(string name, Resources resources, params ActionSpec[] actions) => new(name, resources, [.. actions]);

    public static ConfigDag Dag(params ActionSpec[] actions) => ConfigDag.Build(Spec(actions));

    public static ActionSpec DebianOs(string id = "os", double cost = 600) =>
        Action(id, "install-os", cost, args: Args(("distro", "debian"), ("release", "12")));

    public static ActionSpec OpenMpi(string id = "mpi", string after = "os", double cost = 120) =>
        Action(id, "install-package", cost, [after], Args(("package", "openmpi")));

    /// <summary>Debian, then MPI, then a solver: a typical grid stack with a shared prefix.</summary>
    public static VmSpec MpiSolver(string name = "mpi-solver", string solver = "lammps", Resources? resources = null) => Spec(
        name,
        resources ?? Small,
        Action("os", "install-os", 600, null, ("distro", "debian"), ("release", "12")),
        Action("mpi", "install-package", 120, ["os"], ("package", "openmpi")),
        Action("solver", "install-package", 300, ["mpi"], ("package", solver)));

    public static VmSpec DebianOnly(string name = "debian", Resources? resources = null) => Spec(
        name,
        resources ?? Small,
        Action("base", "install-os", 600, null, ("distro", "debian"), ("release", "12")));

    public static IReadOnlyList<string> TextsOf(IEnumerable<SpecError> errors) => errors.Select(e => e.Message).ToList();
}
