using System.Collections.Immutable;

namespace VMPlant.Messages;

/// <summary>One configuration action as the user wrote it: <paramref name="After"/> names the ids that must run first.</summary>
/// <param name="Cost">Estimated seconds the action takes on a fresh VM.</param>
public sealed record ActionSpec(
    string Id,
    string Kind,
    ImmutableSortedDictionary<string, string> Args,
    ImmutableArray<string> After,
    double Cost);

/// <summary>An amount of host resources: what a VM needs, or what a host has in all or free.</summary>
public sealed record Resources(int Vcpus, long MemoryMiB, long DiskGiB);

/// <summary>A VM request as written: a name, its resources and its configuration DAG.</summary>
public sealed record VmSpec(string Name, Resources Resources, ImmutableArray<ActionSpec> Actions);
