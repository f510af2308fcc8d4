using System.Collections.Immutable;
using VMPlant.Messages.Serialization;

namespace VMPlant.Actors.Domain.Paging;

/// <summary>
/// Cuts one page out of an ordered sequence, bounded in items and in bytes on the wire: the whole reply, envelope and
/// cursor included, stays within the byte bound. Every page makes progress: an item bigger than a whole page is shrunk
/// to fit when the listing knows how (it then carries its own continuation), else sent alone.
/// </summary>
public static class Pager
{
    /// <summary>Room kept for the reply's own fields (its cursor) while items are chosen; the final reply is measured.</summary>
    private const long CursorReserve = 512;

    /// <param name="ordered">The items after the cursor, in the listing's order (enumerated only as far as the page goes).</param>
    /// <param name="reply">The reply carrying a page: its items, and whether more follow (it then names the next cursor).</param>
    /// <param name="shrink">A smaller form of an item, to fit in the given bytes; null: items are never shrunk.</param>
    public static TReply Take<T, TReply>(
        IEnumerable<T> ordered,
        int maxItems,
        long maxBytes,
        Func<ImmutableArray<T>, bool, TReply> reply,
        Func<T, long, T>? shrink = null)
        where TReply : notnull
    {
        var itemBytes = maxBytes - WireSize.Of(reply([], false)) - CursorReserve;
        var items = ImmutableArray.CreateBuilder<T>();
        var used = 0L;
        var more = false;
        using (var next = ordered.GetEnumerator())
        {
            while (next.MoveNext())
            {
                if (items.Count == maxItems)
                {
                    more = true;
                    break;
                }
                var item = next.Current;
                // +1: the comma between items.
                var bytes = WireSize.Of(item!) + 1;
                if (items.Count > 0 && used + bytes > itemBytes)
                {
                    more = true;
                    break;
                }
                if (bytes > itemBytes && shrink is not null) item = shrink(item, itemBytes - 1);
                items.Add(item);
                used += bytes;
                if (used > itemBytes)
                {
                    more = next.MoveNext();
                    break;
                }
            }
        }
        // The reserve is a guess at the cursor's size: measure the real reply and give back items until it fits.
        var page = items.ToImmutable();
        var answer = reply(page, more);
        while (page.Length > 1 && WireSize.Of(answer) > maxBytes)
        {
            page = page.RemoveAt(page.Length - 1);
            answer = reply(page, true);
        }
        return answer;
    }
}
