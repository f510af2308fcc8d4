namespace VMPlant.Messages;

/// <summary>
/// A query whose answer can outgrow one remoting frame, so it is answered one page at a time. Each answer
/// (<see cref="IPage"/>) is bounded in items and in bytes and carries the cursor of the next page, or null at the end.
/// Pages follow a stable order, so following the cursors never repeats an item nor skips one that existed throughout.
/// </summary>
public interface IPagedQuery
{
    /// <summary>At most this many items in the page (the node caps it, and a page may hold fewer to stay within a frame); null: the node's default.</summary>
    int? Limit { get; }

    /// <summary>The <see cref="IPage.Next"/> of the previous page; null: from the start. Opaque to the client.</summary>
    string? After { get; }
}

/// <summary>One page of a <see cref="IPagedQuery"/>'s answer.</summary>
public interface IPage
{
    /// <summary>The cursor of the next page (pass it as <see cref="IPagedQuery.After"/>), or null when this page is the last.</summary>
    string? Next { get; }
}
