using System.Buffers.Binary;
using System.Collections.Immutable;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using VMPlant.Messages;
using VMPlant.Messages.Specs;

namespace VMPlant.Actors.Domain;

/// <summary>
/// What a request asked for, in 40-odd characters: its kind and a hash of its canonical content (a create's whole spec;
/// a configure's VM id and actions). Kept with every request, also after its spec is dropped, so that a request id sent
/// again with something else is told apart from a retry. Fields are written in a fixed order by hand, so the hash does
/// not change when a message type gains a property; null fields (a hostile client's) hash as null.
/// </summary>
public static class RequestFingerprint
{
    public const string Create = "create";
    public const string Configure = "configure";

    public static string OfCreate(VmSpec? spec) => Create + ":" + Hash(w => WriteSpec(w, spec));

    public static string OfConfigure(string? vmId, ImmutableArray<ActionSpec> actions) => Configure + ":" + Hash(c =>
    {
        c.Text(vmId);
        WriteActions(c, actions);
    });

    /// <summary>The request's kind (<see cref="Create"/> or <see cref="Configure"/>).</summary>
    public static string KindOf(string fingerprint) => fingerprint[..Math.Max(0, fingerprint.IndexOf(':'))];

    /// <summary>
    /// Why <paramref name="incoming"/> may not reuse the id of the request remembered as <paramref name="known"/> (whose
    /// fingerprint is <paramref name="knownFingerprint"/>); null when it is the same request. A request remembered
    /// without a fingerprint (journaled before fingerprints existed) compares as unknown: taken to be a repeat.
    /// </summary>
    public static RequestRejected? Conflict(string requestId, string? knownFingerprint, string knownVmId, string incoming, string? incomingVmId)
    {
        if (knownFingerprint is null || knownFingerprint == incoming) return null;
        var (was, now) = (KindOf(knownFingerprint), KindOf(incoming));
        var earlier = (was, now) switch
        {
            (Create, Create) => $"a create of VM {knownVmId} with another spec",
            (Configure, Configure) when incomingVmId == knownVmId => $"a configure of VM {knownVmId} with other actions",
            (Configure, Configure) => $"a configure of VM {knownVmId}",
            _ => $"a {was} of VM {knownVmId}, not a {now}",
        };
        return new RequestRejected(requestId,
            $"request id {Excerpt.Of(requestId)} was already used for a different request ({earlier}); a new request needs a new id");
    }

    private static string Hash(Action<Canonical> write)
    {
        using var canonical = new Canonical();
        write(canonical);
        return canonical.Finish();
    }

    private static void WriteSpec(Canonical c, VmSpec? spec)
    {
        if (spec is null)
        {
            c.Text(null);
            return;
        }
        c.Text(spec.Name);
        c.Text(spec.Resources is { } r ? string.Create(CultureInfo.InvariantCulture, $"{r.Vcpus}/{r.MemoryMiB}/{r.DiskGiB}") : null);
        WriteActions(c, spec.Actions);
    }

    private static void WriteActions(Canonical c, ImmutableArray<ActionSpec> actions)
    {
        var list = actions.IsDefault ? [] : actions;
        c.Count(list.Length);
        foreach (var a in list)
        {
            if (a is null)
            {
                c.Text(null);
                continue;
            }
            c.Text(a.Id);
            c.Text(a.Kind);
            c.Text(a.Cost.ToString("R", CultureInfo.InvariantCulture));
            var args = a.Args ?? ImmutableSortedDictionary<string, string>.Empty;
            c.Count(args.Count);
            foreach (var (key, value) in args.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                c.Text(key);
                c.Text(value);
            }
            var after = a.After.IsDefault ? [] : a.After;
            c.Count(after.Length);
            foreach (var id in after) c.Text(id);
        }
    }

    /// <summary>
    /// An unambiguous serialization fed straight into SHA-256: every string length-prefixed (null marked), every list
    /// counted. Any string hashes, even one that is not valid UTF-16 (a hostile client's lone surrogate).
    /// </summary>
    private sealed class Canonical : IDisposable
    {
        private readonly IncrementalHash _sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

        public void Text(string? value)
        {
            Count(value?.Length ?? -1);
            if (value is not null) _sha.AppendData(MemoryMarshal.AsBytes(value.AsSpan()));
        }

        public void Count(int n)
        {
            Span<byte> bytes = stackalloc byte[4];
            BinaryPrimitives.WriteInt32LittleEndian(bytes, n);
            _sha.AppendData(bytes);
        }

        // 128 bits: collisions between two requests that share an id are not a practical concern.
        public string Finish() => Convert.ToHexStringLower(_sha.GetHashAndReset()[..16]);

        public void Dispose() => _sha.Dispose();
    }
}
