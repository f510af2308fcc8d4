using System.Collections.Immutable;
using VMPlant.Messages;

namespace VMPlant.Messages.Specs;

/// <summary>
/// Reads VM specs written in HOCON, with Akka's own HOCON parser:
/// <code>
/// name = "mpi-node"
/// resources { vcpus = 2, memory-mib = 2048, disk-gib = 10 }
/// actions = [
///   { id = os,  kind = install-os,      args = { distro = debian, release = "12" }, cost = 600 }
///   { id = mpi, kind = install-package, args = { packages = [openmpi-bin, libopenmpi-dev] }, after = [os], cost = 120 }
/// ]
/// </code>
/// In an action, <c>id</c> and <c>kind</c> are required; <c>args</c> (default none), <c>after</c> (a list of ids, or one
/// id; default none) and <c>cost</c> (seconds; default 0) are optional; any other field is an error. Arg values may be
/// strings, numbers, booleans, lists or objects; see <see cref="ArgValueCanonicaliser"/> for the strings they become.
/// Other top-level keys are ignored, so a file may define values to use in substitutions (<c>${debian}</c>).
/// <para>
/// Akka's parser is stricter than HOCON in one common place: it rejects a comma after <c>key { ... }</c>,
/// so inside an action write <c>args = { ... },</c>. <c>include</c> and optional substitutions (<c>${?x}</c>) are refused.
/// </para>
/// <para>
/// Parsing checks form only (syntax, required keys, shapes, numbers); VmSpecValidator (VMPlant.Actors) checks content.
/// Every problem becomes a <see cref="SpecValidationException"/> naming the source.
/// </para>
/// <para>
/// Input is bounded by <see cref="InputLimits"/> and pre-scanned strictly (<see cref="HoconSyntaxCheck"/>) before
/// Akka's parser sees it, so any text is either read exactly as written or refused with a line and column.
/// </para>
/// </summary>
public static class VmSpecParser
{
    /// <exception cref="SpecValidationException">The file is not a well-formed spec.</exception>
    /// <exception cref="InputFileException">The file is missing, special (a directory, FIFO, device), too large or not UTF-8.</exception>
    public static VmSpec ParseFile(string path, InputLimits? limits = null) =>
        Parse(ReadFile(path, limits ?? InputLimits.Default), path, limits);

    /// <exception cref="SpecValidationException">The text is not a well-formed spec.</exception>
    public static VmSpec Parse(string hoconText, string sourceName, InputLimits? limits = null)
    {
        limits ??= InputLimits.Default;
        var root = HoconDocument.Load(hoconText, sourceName, limits);
        var reader = new SpecTreeReader(limits);
        var name = reader.ReadName(root);
        var resources = reader.ReadResources(root);
        var actions = reader.ReadActions(root);
        ThrowIfAny(reader, sourceName);
        return new VmSpec(name, resources, actions);
    }

    /// <summary>Reads an actions-only file (<c>actions = [ ... ]</c>), as used to configure an existing VM further.</summary>
    /// <exception cref="SpecValidationException">The file is not a well-formed actions file.</exception>
    /// <exception cref="InputFileException">The file is missing, special, too large or not UTF-8.</exception>
    public static ImmutableArray<ActionSpec> ParseActionsFile(string path, InputLimits? limits = null) =>
        ParseActions(ReadFile(path, limits ?? InputLimits.Default), path, limits);

    /// <summary>Reads an actions-only text (<c>actions = [ ... ]</c>). The actions are not validated: that needs the VM they extend
    /// (see ConfigDag.Extend in VMPlant.Actors).</summary>
    /// <exception cref="SpecValidationException">The text is not a well-formed actions file.</exception>
    public static ImmutableArray<ActionSpec> ParseActions(string hoconText, string sourceName, InputLimits? limits = null)
    {
        limits ??= InputLimits.Default;
        var root = HoconDocument.Load(hoconText, sourceName, limits);
        var reader = new SpecTreeReader(limits);
        var actions = reader.ReadActions(root);
        ThrowIfAny(reader, sourceName);
        return actions;
    }

    private static string ReadFile(string path, InputLimits limits) =>
        InputFile.ReadText(path, limits.SpecBytes, "vmplant.limits.spec-bytes");

    private static void ThrowIfAny(SpecTreeReader reader, string sourceName)
    {
        if (reader.Errors.Count > 0)
            throw new SpecValidationException(sourceName, reader.Errors.ToList());
    }
}
