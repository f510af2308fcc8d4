using System.Collections.Immutable;
using VMPlant.Messages;

namespace VMPlant.Tests.Support;

/// <summary>Small VM specs for tests, written the way a user would (ids, kinds, args, edges, costs).</summary>
public static class SpecBuilder
{
    public static ActionSpec Action(string id, string kind, double cost, string[]? after = null, params (string Key, string Value)[] args) => new(
        id,
        kind,
        args.ToImmutableSortedDictionary(a => a.Key, a => a.Value, StringComparer.Ordinal),
        (after ?? []).ToImmutableArray(),
        cost);

    public static VmSpec Spec(string name, ResourceSpec resources, params ActionSpec[] actions) => new(name, resources, actions.ToImmutableArray());

    public static readonly ResourceSpec Small = new(1, 512, 2);

    /// <summary>Debian, then MPI, then a solver: a typical grid stack with a shared prefix.</summary>
    public static VmSpec MpiSolver(string name = "mpi-solver", string solver = "lammps", ResourceSpec? resources = null) => Spec(
        name,
        resources ?? Small,
        Action("os", "install-os", 600, null, ("distro", "debian"), ("release", "12")),
        Action("mpi", "install-package", 120, ["os"], ("package", "openmpi")),
        Action("solver", "install-package", 300, ["mpi"], ("package", solver)));

    public static VmSpec DebianOnly(string name = "debian", ResourceSpec? resources = null) => Spec(
        name,
        resources ?? Small,
        Action("base", "install-os", 600, null, ("distro", "debian"), ("release", "12")));
}
