using System.Collections.Immutable;
using Akka.Actor;
using Akka.Cluster;
using Akka.Streams;
using Akka.Streams.Dsl;
using VMPlant.Host.Events;
using VMPlant.Host.Node;
using VMPlant.Messages;

namespace VMPlant.Host.Http.Dashboard;

public sealed record MemberView(string Address, string Status, ImmutableArray<string> Roles, bool IsSelf);

public sealed record ClusterView(ImmutableArray<MemberView> Members, string? ShopSingleton, string? Leader);

/// <summary>Everything the dashboard page shows, as one JSON document.</summary>
public sealed record DashboardState(
    string Node,
    ClusterView Cluster,
    ImmutableArray<PlantStatus> Plants,
    ImmutableArray<VmInfo> Vms,
    IReadOnlyList<AuctionView> Auctions,
    ImmutableArray<string> Problems);

/// <summary>
/// Gathers the dashboard's state from what the node already answers: the shop's ListPlants and ListVms through this
/// node's singleton proxy, the cluster's membership, and the last auctions from the shop's journal (read side).
/// Read-only: it sends no command. A gathered state is shared for a moment by every connected page.
/// </summary>
public sealed class DashboardService : IDisposable
{
    private static readonly TimeSpan Reuse = TimeSpan.FromMilliseconds(500);
    private readonly VmPlantNode _node;
    private readonly TimeSpan _timeout;
    private readonly AuctionLog _auctions = new(20);
    private readonly UniqueKillSwitch _feed;
    private readonly SemaphoreSlim _gathering = new(1, 1);
    private (DateTime At, DashboardState State)? _last;

    public DashboardService(VmPlantNode node, TimeSpan timeout)
    {
        _node = node;
        _timeout = timeout;
        _feed = JournalFeed.Events(node.System, node.System.Settings.Config, follow: true)
            .Where(e => e.Source == "shop")
            .ViaMaterialized(KillSwitches.Single<JournalEvent>(), Keep.Right)
            .To(Sink.ForEach<JournalEvent>(_auctions.Apply))
            .Run(node.System.Materializer());
    }

    public async Task<DashboardState> StateAsync()
    {
        await _gathering.WaitAsync();
        try
        {
            if (_last is { } last && DateTime.UtcNow - last.At < Reuse) return last.State;
            var state = await GatherAsync();
            _last = (DateTime.UtcNow, state);
            return state;
        }
        finally
        {
            _gathering.Release();
        }
    }

    private async Task<DashboardState> GatherAsync()
    {
        var problems = ImmutableArray.CreateBuilder<string>();
        var plants = AskAsync<PlantList>(ListPlants.Instance);
        var vms = AskAsync<VmList>(new ListVms([]));
        var plantList = await plants;
        var vmList = await vms;
        if (plantList is null) problems.Add($"the shop did not list its plants within {_timeout.TotalSeconds:0.#} s");
        if (vmList is null) problems.Add($"the shop did not list its VMs within {_timeout.TotalSeconds:0.#} s");
        return new DashboardState(
            _node.Settings.Address,
            Cluster(),
            plantList?.Plants ?? [],
            vmList?.Vms.OrderByDescending(v => v.CreatedAt).ToImmutableArray() ?? [],
            _auctions.Recent(),
            problems.ToImmutable());
    }

    private async Task<T?> AskAsync<T>(object query) where T : class
    {
        try
        {
            return await _node.ShopProxy.Ask(query, _timeout) as T;
        }
        catch (Exception e) when (e is AskTimeoutException or TaskCanceledException)
        {
            return null;
        }
    }

    private ClusterView Cluster()
    {
        var cluster = Akka.Cluster.Cluster.Get(_node.System);
        var state = cluster.State;
        var members = state.Members
            .Select(m => new MemberView(m.Address.ToString(), m.Status.ToString().ToLowerInvariant(), m.Roles.Order().ToImmutableArray(), m.Address == cluster.SelfAddress))
            .ToImmutableArray();
        // The singleton runs on the oldest Up member with the shop role.
        var shop = state.Members.Where(m => m.Status == MemberStatus.Up && m.HasRole("shop"))
            .Aggregate((Member?)null, (oldest, m) => oldest is null || m.IsOlderThan(oldest) ? m : oldest);
        return new ClusterView(members, shop?.Address.ToString(), state.Leader?.ToString());
    }

    public void Dispose()
    {
        _feed.Shutdown();
        _gathering.Dispose();
    }
}
