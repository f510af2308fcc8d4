using System.Buffers.Text;
using System.Text.Json;

namespace VMPlant.Actors.Domain.Paging;

/// <summary>
/// The opaque cursor of a paged answer: the sort key of the last item sent, tagged with what is listed so a cursor of
/// one listing is refused by another. Keys rather than positions, so items added meanwhile never shift a page.
/// </summary>
public static class PageCursor
{
    public static string Encode(string listing, params string[] keys) =>
        listing + "." + Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(keys));

    /// <summary>The keys of <paramref name="cursor"/>, or null when it is not a cursor of <paramref name="listing"/> with that many keys.</summary>
    public static string[]? Decode(string cursor, string listing, int keyCount)
    {
        if (!cursor.StartsWith(listing + ".", StringComparison.Ordinal)) return null;
        try
        {
            var keys = JsonSerializer.Deserialize<string[]>(Base64Url.DecodeFromChars(cursor.AsSpan(listing.Length + 1)));
            return keys is { } k && k.Length == keyCount && k.All(key => key is not null) ? k : null;
        }
        catch (Exception e) when (e is FormatException or JsonException)
        {
            return null;
        }
    }

    /// <summary>One line for a cursor that does not belong to this listing (quoting a short excerpt only).</summary>
    public static string Problem(string cursor, string what) =>
        $"--after: {VMPlant.Messages.Specs.Excerpt.Of(cursor, 80)} is not a cursor of {what} (pass the `next` of the previous page unchanged)";
}
