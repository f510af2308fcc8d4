using System.Collections.Immutable;
using Akka.Actor;
using Akka.Cluster;
using Akka.Event;
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
/// The journal is followed only while someone looks: following polls the database several times a second, which
/// every node of a grid would otherwise do from start-up on, for a page nobody opened.
/// </summary>
public sealed class DashboardService : IDisposable
{
    private static readonly TimeSpan Reuse = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan Retry = TimeSpan.FromSeconds(5);
    /// <summary>The feed stops when no page has asked for this long (a page asks about once a second).</summary>
    private static readonly TimeSpan FollowWhileAskedWithin = TimeSpan.FromMinutes(1);
    private readonly VmPlantNode _node;
    private readonly TimeSpan _timeout;
    private readonly AuctionLog _auctions = new(20);
    private readonly CancellationTokenSource _stopping = new();
    private readonly SemaphoreSlim _gathering = new(1, 1);
    private (DateTime At, DashboardState State)? _last;
    private long _lastAskedTicks;
    private int _following;

    public DashboardService(VmPlantNode node, TimeSpan timeout)
    {
        _node = node;
        _timeout = timeout;
    }

    /// <summary>Notes that a page asked; starts following the shop's journal if nobody was.</summary>
    private void NoteAsked()
    {
        Interlocked.Exchange(ref _lastAskedTicks, DateTime.UtcNow.Ticks);
        // In the background: opening the read journal can take seconds on a busy machine, and the page must not wait.
        if (Interlocked.Exchange(ref _following, 1) == 0) _ = Task.Run(FollowShopJournalAsync);
    }

    private bool Abandoned => DateTime.UtcNow - new DateTime(Interlocked.Read(ref _lastAskedTicks), DateTimeKind.Utc) > FollowWhileAskedWithin;

    /// <summary>
    /// Feeds the auction log from the shop's journal while pages ask; on a failure, starts over (events already seen
    /// are ignored, so a feed started again later only catches up).
    /// </summary>
    private async Task FollowShopJournalAsync()
    {
        var stop = _stopping.Token;
        while (!stop.IsCancellationRequested && !Abandoned)
        {
            try
            {
                var (kill, done) = JournalFeed.Events(_node.System, _node.System.Settings.Config, follow: true)
                    .Where(e => e.Source == "shop")
                    .ViaMaterialized(KillSwitches.Single<JournalEvent>(), Keep.Right)
                    .ToMaterialized(Sink.ForEach<JournalEvent>(_auctions.Apply), Keep.Both)
                    .Run(_node.System.Materializer());
                await using (stop.Register(() => kill.Shutdown()))
                {
                    while (await Task.WhenAny(done, Task.Delay(FollowWhileAskedWithin / 4, stop)) != done
                           && !stop.IsCancellationRequested && !Abandoned) { }
                    kill.Shutdown();
                    await done;
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (!stop.IsCancellationRequested)
            {
                _node.System.Log.Warning("Dashboard: reading the shop's journal failed ({0}); retrying in {1}", e.GetBaseException().Message, Retry);
                try
                {
                    await Task.Delay(Retry, stop);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
        Interlocked.Exchange(ref _following, 0);
        // A page that asked just as the feed gave up must not be left without one.
        if (!Abandoned && !stop.IsCancellationRequested) NoteAsked();
    }

    public async Task<DashboardState> StateAsync()
    {
        NoteAsked();
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

    /// <summary>The whole answer, page by page (each page fits in a remoting frame; the shop may be on another node).</summary>
    private async Task<T?> AskAsync<T>(IVmPlantMessage query) where T : class
    {
        try
        {
            return await PageFetcher.AllAsync(query, page => _node.ShopProxy.Ask(page, _timeout)) as T;
        }
        catch (Exception e) when (e is AskTimeoutException or TaskCanceledException or PagingException)
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
        _stopping.Cancel();
        _stopping.Dispose();
    }
}
