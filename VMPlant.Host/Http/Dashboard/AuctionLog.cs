using System.Collections.Immutable;
using VMPlant.Actors.Shop;
using VMPlant.Host.Events;
using VMPlant.Messages;

namespace VMPlant.Host.Http.Dashboard;

/// <summary>One create request's auction as the dashboard shows it: every bid and decline, the winner and why.</summary>
public sealed record AuctionView(
    string RequestId,
    string VmId,
    string Name,
    DateTimeOffset At,
    string Status,
    string? Winner,
    string? Why,
    ImmutableArray<BidSummary> Bids,
    ImmutableArray<DeclineSummary> Declines,
    string? Failure);

/// <summary>The last auctions, folded from the shop's journaled events (thread-safe; fed by the journal stream).</summary>
public sealed class AuctionLog(int capacity)
{
    private readonly object _gate = new();
    private readonly LinkedList<AuctionView> _recent = new();
    private readonly Dictionary<string, LinkedListNode<AuctionView>> _byRequest = new(StringComparer.Ordinal);

    public void Apply(JournalEvent journaled)
    {
        lock (_gate)
        {
            switch (journaled.Event)
            {
                case RequestAccepted a:
                    if (_byRequest.ContainsKey(a.RequestId)) return;
                    _byRequest[a.RequestId] = _recent.AddFirst(new AuctionView(a.RequestId, a.VmId, a.Spec.Name, a.At, "bidding", null, null, [], [], null));
                    if (_recent.Count > capacity)
                    {
                        _byRequest.Remove(_recent.Last!.Value.RequestId);
                        _recent.RemoveLast();
                    }
                    break;
                case RequestAwarded a:
                    Update(a.RequestId, v => v with
                    {
                        Status = "building", Winner = a.Plant, Why = AuctionExplainer.WhyWinner(a.Plant, a.Bids), Bids = a.Bids, Declines = a.Declines,
                    });
                    break;
                case RequestCompleted c:
                    Update(c.RequestId, v => v with { Status = "running", Winner = c.Vm.Plant });
                    break;
                case RequestFailed f:
                    Update(f.RequestId, v => v with { Status = "failed", Failure = f.Reason, Bids = f.Bids, Declines = f.Declines });
                    break;
            }
        }
    }

    public IReadOnlyList<AuctionView> Recent()
    {
        lock (_gate) return _recent.ToList();
    }

    private void Update(string requestId, Func<AuctionView, AuctionView> change)
    {
        if (_byRequest.TryGetValue(requestId, out var node)) node.Value = change(node.Value);
    }
}
