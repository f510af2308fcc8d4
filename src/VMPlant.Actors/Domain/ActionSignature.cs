using System.Globalization;
using System.Runtime.Intrinsics;

namespace VMPlant.Actors.Domain;

/// <summary>
/// A 256-bit Bloom-style summary of a set of identities (one bit per identity). If an image's signature has a bit
/// the request's lacks, the image cannot be a subset of the request: most non-matches are rejected with one
/// vector AND-NOT, before any hash-set lookup.
/// </summary>
internal readonly record struct ActionSignature(Vector256<ulong> Bits)
{
    public static ActionSignature Of(IEnumerable<ActionIdentity> identities)
    {
        Span<ulong> words = stackalloc ulong[4];
        foreach (var identity in identities)
        {
            // Identities are uniformly distributed hex; their first two digits pick one of 256 bits.
            var bit = byte.Parse(identity.Value.AsSpan(0, 2), NumberStyles.HexNumber);
            words[bit >> 6] |= 1UL << (bit & 63);
        }
        return new ActionSignature(Vector256.Create(words[0], words[1], words[2], words[3]));
    }

    /// <summary>False means certainly not a subset; true means maybe.</summary>
    public bool MayBeSubsetOf(ActionSignature other) => Vector256.AndNot(Bits, other.Bits) == Vector256<ulong>.Zero;
}
