namespace VMPlant.Actors.Shop;

/// <summary>
/// Holds auctions back while the shop cannot yet ask the right plants: just after it has recovered (a first start or
/// a failover, when plants are still re-registering with the new singleton), and while no plant is registered at all.
/// Without it, a request buffered during a failover reaches the new shop before any plant has and fails with
/// "no plants", or is bid on by the one plant that happened to register first.
/// </summary>
public sealed class PlantDiscovery(TimeSpan window, TimeSpan plantWait)
{
    private readonly Queue<(AuctionRequest Request, DateTime HeldSince)> _held = new();
    // Until the shop has recovered no plant's registration has been read (they wait in the stash), so nothing is ready.
    private DateTime _windowEnds = DateTime.MaxValue;
    private HashSet<string> _expected = [];

    public int Held => _held.Count;

    /// <summary>
    /// Opens the window when the shop has recovered (not when it was created: a recovery slower than the window, seen
    /// at 3.3 s on a busy machine, left no wait at all, and resumed work was bid on before the plant holding it had
    /// registered). <paramref name="plants"/>: those the recovered state says hold VMs or awards; once all of them are
    /// registered, the window closes early.
    /// </summary>
    public void Expect(IEnumerable<string> plants, DateTime recoveredAt)
    {
        _expected = plants.ToHashSet(StringComparer.Ordinal);
        _windowEnds = recoveredAt + window;
    }

    public bool Ready(IReadOnlyDictionary<string, Akka.Actor.IActorRef> registered, DateTime now) =>
        registered.Count > 0 && (now >= _windowEnds || (_expected.Count > 0 && _expected.All(registered.ContainsKey)));

    public void Hold(AuctionRequest request, DateTime now) => _held.Enqueue((request, now));

    /// <summary>Every held auction when <paramref name="ready"/>; otherwise only those held past the plant wait
    /// (their auction then fails with a clear reason instead of waiting forever).</summary>
    public IReadOnlyList<AuctionRequest> Release(bool ready, DateTime now)
    {
        var released = new List<AuctionRequest>();
        var keep = new List<(AuctionRequest, DateTime)>();
        while (_held.TryDequeue(out var held))
        {
            if (ready || now - held.HeldSince >= plantWait) released.Add(held.Request);
            else keep.Add(held);
        }
        foreach (var held in keep) _held.Enqueue(held);
        return released;
    }
}
