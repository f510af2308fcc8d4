namespace VMPlant.Actors.Shop;

/// <summary>
/// Holds auctions back while the shop cannot yet ask the right plants: just after it starts (a first start or a
/// failover, when plants are still re-registering with the new singleton), and while no plant is registered at all.
/// Without it, a request buffered during a failover reaches the new shop before any plant has and fails with
/// "no plants", or is bid on by the one plant that happened to register first.
/// </summary>
public sealed class PlantDiscovery(DateTime startedAt, TimeSpan window, TimeSpan plantWait)
{
    private readonly Queue<(AuctionRequest Request, DateTime HeldSince)> _held = new();
    private readonly DateTime _windowEnds = startedAt + window;
    private HashSet<string> _expected = [];

    public int Held => _held.Count;

    /// <summary>The plants the recovered state says hold VMs: once all of them are registered, the window closes early.</summary>
    public void Expect(IEnumerable<string> plants) => _expected = plants.ToHashSet(StringComparer.Ordinal);

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
