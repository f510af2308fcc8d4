using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace VMPlant.Actors.Domain;

/// <summary>
/// Computes <see cref="ActionIdentity"/> values. The hashed byte stream is unambiguous: a version tag, then every string
/// as a 4-byte little-endian count of UTF-16 code units followed by those code units (as held in memory on the
/// little-endian machines VMPlant runs on, so even a lone surrogate is hashed faithfully), every collection preceded by its element count.
/// Args are taken in ordinal key order and prerequisite identities in ordinal order, so neither the order args were
/// written in nor the order of the <c>after</c> list matters.
/// </summary>
public static class ActionIdentityHasher
{
    private const string VersionTag = "vmplant/action-identity/v1";

    /// <param name="prerequisites">
    /// The identities of the action's direct prerequisites. <see cref="ConfigDag"/> passes the transitive reduction of the
    /// <c>after</c> list (a prerequisite that is already an ancestor of another prerequisite is left out), so writing a
    /// redundant edge does not change the identity.
    /// </param>
    public static ActionIdentity Compute(
        string kind,
        IEnumerable<KeyValuePair<string, string>> args,
        IEnumerable<ActionIdentity> prerequisites)
    {
        ArgumentNullException.ThrowIfNull(kind);
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(prerequisites);

        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        AppendString(hash, VersionTag);
        AppendString(hash, kind);

        var sortedArgs = args.OrderBy(a => a.Key, StringComparer.Ordinal).ToList();
        AppendCount(hash, sortedArgs.Count);
        foreach (var (key, value) in sortedArgs)
        {
            AppendString(hash, key);
            AppendString(hash, value);
        }

        var sortedPrerequisites = prerequisites.Select(p => p.Value).Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal).ToList();
        AppendCount(hash, sortedPrerequisites.Count);
        foreach (var prerequisite in sortedPrerequisites)
            AppendString(hash, prerequisite);

        Span<byte> digest = stackalloc byte[32];
        hash.GetHashAndReset(digest);
        return new ActionIdentity(Convert.ToHexStringLower(digest[..(ActionIdentity.HexLength / 2)]));
    }

    private static void AppendCount(IncrementalHash hash, int count)
    {
        Span<byte> prefix = stackalloc byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(prefix, count);
        hash.AppendData(prefix);
    }

    private static void AppendString(IncrementalHash hash, string text)
    {
        AppendCount(hash, text.Length);
        hash.AppendData(MemoryMarshal.AsBytes(text.AsSpan()));
    }
}
