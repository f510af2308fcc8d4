using System.Runtime.Intrinsics;

namespace VMPlant.Actors.Domain;

/// <summary>
/// A 512-bit Bloom-style summary of a set of identities: each identity sets three bits taken from a hash of its text
/// (any text: an identity read from outside need not be well-formed hex). The hash is .NET's per-process string hash,
/// so signatures are never stored or sent anywhere. If a set's signature has a bit the other's lacks, the set cannot be a subset of the other;
/// the converse is only probably true, so a passing check is followed by an exact one.
/// </summary>
internal readonly struct BloomSignature
{
    private readonly Vector256<ulong> low;
    private readonly Vector256<ulong> high;

    private BloomSignature(Vector256<ulong> low, Vector256<ulong> high)
    {
        this.low = low;
        this.high = high;
    }

    public static BloomSignature Of(IEnumerable<ActionIdentity> identities)
    {
        Span<ulong> words = stackalloc ulong[8];
        foreach (var identity in identities)
        {
            var hash = Mix((uint)StringComparer.Ordinal.GetHashCode(identity.Value ?? ""));
            for (var k = 0; k < 3; k++)
            {
                var bit = (int)(hash >> (9 * k)) & 511;
                words[bit >> 6] |= 1UL << (bit & 63);
            }
        }
        return new BloomSignature(Vector256.Create(words[..4]), Vector256.Create(words[4..]));
    }

    /// <summary>The SplitMix64 finaliser: spreads the 32 hash bits over all 64.</summary>
    private static ulong Mix(ulong hash)
    {
        hash = (hash ^ (hash >> 30)) * 0xbf58476d1ce4e5b9UL;
        hash = (hash ^ (hash >> 27)) * 0x94d049bb133111ebUL;
        return hash ^ (hash >> 31);
    }

    /// <summary>False means the set is certainly not a subset of <paramref name="other"/>'s.</summary>
    public bool MayBeSubsetOf(in BloomSignature other) =>
        Vector256.AndNot(low, other.low) == Vector256<ulong>.Zero
        && Vector256.AndNot(high, other.high) == Vector256<ulong>.Zero;

    public bool SameAs(in BloomSignature other) => low == other.low && high == other.high;
}
