namespace VMPlant.Actors.Domain;

/// <summary>
/// How long the shop remembers what (<c>vmplant.shop.retention</c>), so that its state and snapshots stay bounded as
/// history grows. A finished request keeps its full answer while it is among the newest <paramref name="MaxRequests"/>
/// finished and younger than <paramref name="MaxAge"/>; after that only its id, fingerprint, VM, plant and final status
/// are kept (<see cref="RememberedRequest"/>), enough to return its outcome in short or refuse a conflicting reuse of
/// its id, for the <paramref name="IdempotencyWindow"/> (and among the newest <paramref name="IdempotencyMaxRequests"/>);
/// then the id is forgotten. A destroyed VM leaves the shop's VMs (show, list) <paramref name="DestroyedVms"/> after
/// its removal.
/// </summary>
public sealed record ShopRetention(
    TimeSpan MaxAge,
    int MaxRequests,
    TimeSpan IdempotencyWindow,
    int IdempotencyMaxRequests,
    TimeSpan DestroyedVms)
{
    /// <summary>As in hocon/vmplant.conf: at a sustained request a second, the state levels off after a day of history.</summary>
    public static readonly ShopRetention Default = new(TimeSpan.FromHours(1), 10_000, TimeSpan.FromDays(1), 200_000, TimeSpan.FromHours(1));
}

/// <summary>A finished request past its full record's retention: what is left of it (see <see cref="ShopRetention"/>).</summary>
/// <param name="Reason">Why it failed (cut short), for a failed request.</param>
public sealed record RememberedRequest(
    string RequestId,
    string VmId,
    string? Fingerprint,
    RequestStatus Status,
    string? Plant,
    DateTimeOffset? FinishedAt,
    string? Reason = null)
{
    public const int MaxReasonLength = 200;

    public static RememberedRequest Of(RequestRecord r) => new(r.RequestId, r.VmId, r.Fingerprint, r.Status, r.Plant, r.FinishedAt,
        r.Failure?.Reason is { } reason ? (reason.Length > MaxReasonLength ? reason[..MaxReasonLength] + "…" : reason) : null);
}

/// <summary>When a VM was destroyed, in order: destroyed VMs leave the shop's state after <see cref="ShopRetention.DestroyedVms"/>.</summary>
public sealed record VmRemoval(string VmId, DateTimeOffset At);
