using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Net;
using System.Net.Sockets;
using VMPlant.Host.Configuration;
using VMPlant.Host.Node;
using VMPlant.Messages;

namespace VMPlant.Bench.Chaos;

public enum ChaosScenario
{
    /// <summary>SIGKILL the node holding the shop singleton while requests stream in.</summary>
    KillShop,
    /// <summary>SIGKILL a plant node while it builds a VM.</summary>
    KillPlant,
    /// <summary>SIGTERM the singleton's node: graceful leave and handover.</summary>
    LeaveShop,
    /// <summary>Cut the cluster in two (network namespaces); the split brain resolver keeps one side.</summary>
    Partition,
    /// <summary>The compose grid in containers: docker kill of the singleton's container, docker pause of a plant, network disconnect of a node.</summary>
    Containers,
}

/// <param name="ShopConnectionString">Shop journal shared by the shop nodes; null = a SQLite file in the work directory.</param>
public sealed record ChaosOptions(
    ChaosScenario Scenario,
    int Shops = 2,
    int Plants = 3,
    string? WorkDir = null,
    bool Keep = false,
    string? ShopConnectionString = null,
    string ShopProvider = "PostgreSQL.15",
    int Lanes = 3,
    TimeSpan? FaultAfter = null,
    TimeSpan? RunAfterFault = null,
    string? ComposeFile = null,
    string? ComposeEnvFile = null);

/// <summary>One fault of a drill: what it does, and how the drill waits for the cluster to be whole again before the next one.</summary>
public sealed record DrillFault(Func<Task> Inject, Func<Task>? Heal = null);

/// <summary>
/// Failover drills on real processes: starts a small cluster of VMPlant nodes on free loopback ports (each plant
/// node with its own libvirt test-driver host), drives create requests through a cluster client, injects the
/// fault, then asks every request again by id and checks the outcome: nothing acknowledged lost, nothing built
/// twice, no capacity leaked. Bounded: at most shops + plants processes, every wait has a deadline.
/// </summary>
public sealed partial class ChaosRunner : IAsyncDisposable
{
    private static readonly TimeSpan AskDeadline = TimeSpan.FromSeconds(60);
    private readonly ChaosOptions _options;
    private readonly string _work;
    private readonly List<NodeProcess> _nodes = [];
    // The plant each node hosts (VMPLANT_PLANTS), by node name, as the layout gave it.
    private readonly Dictionary<string, string> _plantOfNode = [];
    /// <summary>Processes replaced by a restart (kept for the shop-overlap check and disposal).</summary>
    private readonly List<NodeProcess> _retired = [];
    private ChaosReport? _result;
    private string? _config;
    private Dictionary<string, string> _nodeEnv = [];
    private readonly ConcurrentDictionary<string, RequestTrace> _requests = new();
    private readonly ChaosReport _report;
    private readonly Action<string> _progress;
    private VmPlantClient? _client;
    private int _sequence;

    public ChaosRunner(ChaosOptions options, Action<string>? progress = null)
    {
        if (options.Shops is < 1 or > 3 || options.Plants is < 1 or > 5)
            throw new ArgumentException("a drill runs 1-3 shop nodes and 1-5 plant nodes");
        if (options.Scenario == ChaosScenario.LeaveShop && options.Shops < 2 || options.Scenario == ChaosScenario.KillShop && options.Shops < 2)
            throw new ArgumentException("moving the shop singleton needs at least 2 shop nodes");
        if (options.Scenario == ChaosScenario.KillPlant && options.Plants < 2)
            throw new ArgumentException("killing a plant needs at least 2 plant nodes");
        _options = options;
        _progress = progress ?? (_ => { });
        _work = options.WorkDir ?? Path.Combine(Path.GetTempPath(), $"vmplant-chaos-{Guid.NewGuid():N}"[..24]);
        Directory.CreateDirectory(_work);
        _report = new ChaosReport
        {
            Scenario = ScenarioName(options.Scenario),
            Layout = options.Scenario switch
            {
                ChaosScenario.Partition => $"{PartitionDrill.Nodes} nodes [shop,plant], each a process in its own network namespace on a bridge, client in another",
                ChaosScenario.Containers => "docker-compose.yml: postgres + 2 shop + 3 plant containers on a compose network of the drill's own, client in another container",
                _ => $"{options.Shops} shop nodes + {options.Plants} plant nodes, separate processes on 127.0.0.1",
            },
            ShopJournal = options.Scenario switch
            {
                ChaosScenario.Containers => "PostgreSQL container shared by every node",
                ChaosScenario.Partition => "SQLite file shared by the shop nodes",
                _ => options.ShopConnectionString is null ? "SQLite file shared by the shop nodes" : options.ShopProvider,
            },
        };
    }

    public string WorkDir => _work;

    public static string ScenarioName(ChaosScenario s) => s switch
    {
        ChaosScenario.KillShop => "kill-shop",
        ChaosScenario.KillPlant => "kill-plant",
        ChaosScenario.LeaveShop => "leave-shop",
        ChaosScenario.Containers => "containers",
        _ => "partition",
    };

    public static ChaosScenario ParseScenario(string name) => name switch
    {
        "kill-shop" => ChaosScenario.KillShop,
        "kill-plant" => ChaosScenario.KillPlant,
        "leave-shop" => ChaosScenario.LeaveShop,
        "partition" => ChaosScenario.Partition,
        "containers" => ChaosScenario.Containers,
        _ => throw new ArgumentException($"unknown scenario '{name}' (kill-shop, kill-plant, leave-shop, partition, containers)"),
    };

    public async Task<ChaosReport> RunAsync()
    {
        if (_options.Scenario == ChaosScenario.Partition)
        {
            if (Environment.GetEnvironmentVariable(PartitionDrill.NetnsVariable) is not { Length: > 0 } prefix)
            {
                // Set up the namespaces and run this same drill again from inside the client namespace.
                await using var partition = new PartitionDrill(_options, _work, _progress);
                return _result = await partition.RunAsync();
            }
            await PartitionInsideAsync(prefix);
            await File.WriteAllTextAsync(Path.Combine(_work, RelayedDrill.ReportFile), _report.ToJson());
            return _report;
        }
        if (_options.Scenario == ChaosScenario.Containers)
        {
            if (Environment.GetEnvironmentVariable(ContainerDrill.ProjectVariable) is not { Length: > 0 } project)
            {
                // Bring the compose grid up and run this same drill again inside a client container's network namespace.
                await using var containers = new ContainerDrill(_options, _work, _progress);
                try
                {
                    return _result = await containers.RunAsync();
                }
                catch (Exception e) when (e is TimeoutException or InvalidOperationException)
                {
                    _report.Problems.Add(e.Message); // keeps the work directory (container logs) for the operator
                    throw;
                }
            }
            try
            {
                await ContainersInsideAsync(project);
            }
            catch (Exception e) when (e is TimeoutException or InvalidOperationException or NodeUnreachableException)
            {
                _report.Problems.Add($"the drill stopped: {e.Message}");
            }
            await File.WriteAllTextAsync(Path.Combine(_work, RelayedDrill.ReportFile), _report.ToJson());
            return _report;
        }
        await StartClusterAsync();
        double? shopMovedAt = null;
        switch (_options.Scenario)
        {
            case ChaosScenario.KillShop:
                shopMovedAt = await StreamWithFaultAsync(async () => await Step($"SIGKILL {Shop(0).Name} (holds the shop singleton)", Shop(0).KillAsync));
                break;
            case ChaosScenario.LeaveShop:
                // The fault is the signal: the node hands the singleton over while it leaves, before it exits.
                shopMovedAt = (await StreamWithFaultsAsync([new DrillFault(
                    () => Step($"SIGTERM {Shop(0).Name} (holds the shop singleton): graceful leave", Shop(0).SignalTerminateAsync),
                    async () =>
                    {
                        if (await Shop(0).WaitForExitAsync(TimeSpan.FromSeconds(30)))
                            _report.Mark(_report.At(Shop(0).ExitedAt!.Value), $"{Shop(0).Name} left the cluster and exited");
                        else
                            _report.Problems.Add($"{Shop(0).Name} did not exit within 30 s of SIGTERM");
                    })]))[0];
                break;
            case ChaosScenario.KillPlant:
                await KillPlantMidCreateAsync();
                break;
        }
        await VerifyAsync();
        if (shopMovedAt is { } faultAt)
        {
            CheckOneShopAtATime(faultAt, ProcessHistories());
            MarkFailoverPhases(faultAt);
        }
        return _report;
    }

    /// <summary>Puts each step of the singleton's move on the timeline, as the surviving nodes logged it.</summary>
    private void MarkFailoverPhases(double faultAt)
    {
        var faultUtc = _report.Utc(faultAt);
        foreach (var (step, at) in FailoverPhases.Find(_nodes.Where(n => !n.HasExited).Select(n => n.LogLines()), faultUtc))
            _report.Mark(_report.At(at), $"failover: {step} ({(at - faultUtc).TotalSeconds:0.00} s after the fault)");
    }

    private NodeProcess Shop(int i) => _nodes[i];

    private IEnumerable<NodeProcess> PlantNodes => _nodes.Skip(_options.Shops);

    private async Task Step(string what, Func<Task> action)
    {
        await action();
        _report.Mark(what);
        _progress(what);
    }

    private sealed record NodeLayout(string Name, string[] Roles, string? Plant, string Host, int Port, IReadOnlyList<string>? Wrapper = null)
    {
        public string Address => $"akka.tcp://vmplant@{Host}:{Port}";
    }

    private async Task StartClusterAsync(IReadOnlyList<NodeLayout>? layout = null, string? clientHost = null)
    {
        _config = WriteConfig(_work);
        _nodeEnv = new Dictionary<string, string>
        {
            ["VMPLANT_SHOP_CONNECTION_STRING"] = _options.ShopConnectionString is { } cs && _options.Scenario != ChaosScenario.Partition
                ? cs : $"Data Source={Path.Combine(_work, "shop.db")}",
            ["VMPLANT_SHOP_PERSISTENCE_PROVIDER"] = _options.ShopConnectionString is null || _options.Scenario == ChaosScenario.Partition
                ? "SQLite.MS" : _options.ShopProvider,
        };
        layout ??= Enumerable.Range(1, _options.Shops).Select(i => new NodeLayout($"shop-{i}", ["shop"], null, "127.0.0.1", FreeLoopbackPort()))
            .Concat(Enumerable.Range(1, _options.Plants).Select(i => new NodeLayout($"plant-{i}", ["plant"], $"p{i}", "127.0.0.1", FreeLoopbackPort())))
            .ToList();
        foreach (var node in layout)
        {
            // The first (oldest) shop node founds the cluster and will hold the singleton; the others join it together.
            var process = StartNode(node, [layout[0].Address]);
            _nodes.Add(process);
            if (_nodes.Count == 1) await process.WaitListeningAsync(TimeSpan.FromSeconds(90));
        }
        foreach (var node in _nodes) await node.WaitListeningAsync(TimeSpan.FromSeconds(90));
        _client = await ConnectClientAsync(ClientConfig(clientHost), _nodes.Select(n => n.Receptionist).ToList());
        await WaitForPlantsAsync(layout.Count(n => n.Plant is not null), TimeSpan.FromSeconds(90));
        _report.Mark($"cluster up: {string.Join(", ", _nodes.Select(n => $"{n.Name} [{string.Join(",", n.Roles)}] {n.Hostname}:{n.Port} pid {n.Pid}"))}");
        _progress("cluster up");
    }

    private NodeProcess StartNode(NodeLayout node, IEnumerable<string> seeds)
    {
        var env = new Dictionary<string, string>(_nodeEnv) { ["VMPLANT_SEED_NODES"] = string.Join(",", seeds) };
        if (node.Plant is not null)
        {
            env["VMPLANT_PLANTS"] = node.Plant;
            _plantOfNode[node.Name] = node.Plant;
        }
        return NodeProcess.Start(node.Name, node.Host, node.Port, node.Roles, Path.Combine(_work, node.Name), _config!, env, node.Wrapper);
    }

    /// <summary>
    /// Connects a drill's or test's client. The client's probe gives a receptionist 5 s to answer (what a user at a
    /// terminal wants); a node that just started on a very busy machine may take longer, so this probes again until
    /// <paramref name="timeout"/>.
    /// </summary>
    public static async Task<VmPlantClient> ConnectClientAsync(Akka.Configuration.Config config, IReadOnlyList<string> contacts, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(120));
        while (true)
        {
            try
            {
                return await VmPlantClient.ConnectAsync(config, contacts);
            }
            catch (NodeUnreachableException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(1000);
            }
        }
    }

    private async Task WaitForPlantsAsync(int plants, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (await TryAskAsync(ListPlants.Instance, TimeSpan.FromSeconds(10)) is not PlantList { Plants.Length: var n } || n < plants)
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"{plants} plants did not register with the shop within {timeout.TotalSeconds:0} s (logs in {_work})");
            await Task.Delay(250);
        }
    }

    /// <summary>
    /// The partition drill, run from inside the client's network namespace (see <see cref="PartitionDrill"/>): three
    /// shop+plant nodes, each in its own namespace; the node holding the shop singleton is cut off (its veth on the
    /// bridge goes down) while requests stream in. Expected: it downs itself (keep-majority) and exits, the majority
    /// starts the singleton, requests keep being served; after healing the node is restarted and rejoins.
    /// </summary>
    private async Task PartitionInsideAsync(string prefix)
    {
        var layout = Enumerable.Range(1, PartitionDrill.Nodes)
            .Select(i => new NodeLayout($"n{i}", ["shop", "plant"], $"p{i}", PartitionDrill.NodeAddress(i), 4053, PartitionDrill.Exec(prefix, $"n{i}")))
            .ToList();
        await StartClusterAsync(layout, PartitionDrill.ClientAddress);
        var victim = _nodes[0];
        var others = string.Join(", ", _nodes.Skip(1).Select(n => n.Name));
        await StreamWithFaultAsync(async () => await Step(
            $"partition: {victim.Name} ({victim.Hostname}, holds the shop singleton) cut off from {others} and the client",
            () => PartitionDrill.SetLinkAsync(prefix, victim.Name, up: false)));
        var faultAt = _report.Timeline.Last(e => e.Event.StartsWith("partition:", StringComparison.Ordinal)).At;
        if (await victim.WaitForExitAsync(TimeSpan.FromSeconds(40)))
            _report.Mark(_report.At(victim.ExitedAt!.Value), $"{victim.Name} downed itself (minority under keep-majority) and exited");
        else
            _report.Problems.Add($"{victim.Name} (minority side) was still running 40 s after the partition");

        await Step($"healed: {victim.Name}'s link is up again", () => PartitionDrill.SetLinkAsync(prefix, victim.Name, up: true));
        var restarted = StartNode(layout[0], layout.Skip(1).Select(n => n.Address));
        _retired.Add(victim);
        _nodes[0] = restarted;
        await restarted.WaitListeningAsync(TimeSpan.FromSeconds(90));
        await WaitForPlantsAsync(layout.Count, TimeSpan.FromSeconds(60));
        _report.Mark($"{victim.Name} restarted (pid {restarted.Pid}) and rejoined; its plant registered again");

        await VerifyAsync();
        CheckOneShopAtATime(faultAt, ProcessHistories());
        MarkFailoverPhases(faultAt);
    }

    private List<ShopHistory> ProcessHistories() => _retired.Concat(_nodes).Select(n => n.ShopHistory()).ToList();

    /// <summary>
    /// Two shops never at once: every node's shop-singleton lifetimes (from a start marker to its stop marker, or to
    /// the death of the process or container that logged it) must not overlap any other's; and no node logged a
    /// failed or rejected write of the shop's journal.
    /// </summary>
    private void CheckOneShopAtATime(double faultAt, IReadOnlyList<ShopHistory> histories)
    {
        var intervals = new List<(string Node, DateTime From, DateTime To)>();
        foreach (var node in histories)
        {
            DateTime? open = null;
            var events = node.Marks.Select(m => (m.At, Kind: m.Started ? 1 : 0))
                .Concat(node.Deaths.Select(d => (At: d, Kind: -1))).OrderBy(e => e.At);
            foreach (var (at, kind) in events)
            {
                if (kind >= 0) _report.Mark(_report.At(at), $"{node.Node}: shop singleton {(kind == 1 ? "started" : "stopped")}");
                if (kind == 1) open ??= at;
                else if (open is { } from)
                {
                    intervals.Add((node.Node, from, at));
                    open = null;
                }
            }
            if (open is { } still) intervals.Add((node.Node, still, DateTime.UtcNow));
            foreach (var failure in node.JournalFailures)
                _report.Problems.Add($"{node.Node}: shop journal write failed: {failure}");
        }
        var overlaps = 0;
        for (var i = 0; i < intervals.Count; i++)
        for (var j = i + 1; j < intervals.Count; j++)
        {
            var (a, b) = (intervals[i], intervals[j]);
            if (a.From < b.To && b.From < a.To)
            {
                overlaps++;
                _report.Problems.Add($"two shops at once: {a.Node} {a.From:HH:mm:ss.fff}-{a.To:HH:mm:ss.fff} and {b.Node} {b.From:HH:mm:ss.fff}-{b.To:HH:mm:ss.fff}");
            }
        }
        _report.ConcurrentShops = overlaps;
        if (intervals.Count < 2) _report.Problems.Add($"expected the shop singleton to move, saw {intervals.Count} shop lifetime(s)");
        var gaps = intervals.OrderBy(i => i.From).ToList();
        var handover = gaps.FirstOrDefault(i => _report.At(i.From) > faultAt);
        if (handover.Node is not null)
        {
            var gap = gaps.Where(i => i.To <= handover.From).Select(i => i.To).DefaultIfEmpty(handover.From).Max();
            _report.Mark($"shop lifetimes: {intervals.Count}, overlapping pairs: {overlaps}; no shop for " +
                         $"{(handover.From - gap).TotalSeconds:0.00} s between the old singleton's end and {handover.Node}'s start");
        }
    }

    /// <summary>
    /// Chaos defaults: builds that take about 2 s (so a fault can hit one mid-create). The bid and award timeouts only
    /// cost time when a plant does not answer (a dead one is forgotten once its node is removed); they are generous
    /// because on a very busy machine (load average 100 on 2 cores) a freshly started plant's first bids took over 2 s,
    /// and a request no plant bid for in time fails.
    /// </summary>
    public static string WriteConfig(string workDir)
    {
        var path = Path.Combine(workDir, "chaos.conf");
        File.WriteAllText(path, """
            vmplant.shop.bid-timeout = 10s
            vmplant.shop.award-timeout = 10s
            vmplant.plant-defaults {
              base-image-gib = 2
              action-time-scale = 0.01
              test-node = { cpus = 16, memory-mib = 65536, pool-gib = 100 }
              cache.publish = never
            }
            """);
        return path;
    }

    /// <param name="hostname">The client's own remoting address (default: the configured node hostname, 127.0.0.1).</param>
    public static Akka.Configuration.Config ClientConfig(string? hostname = null) => NodeConfig.Load(null,
        new[] { "vmplant.client.loglevel = ERROR" }
            .Concat(hostname is null ? [] : [NodeConfig.Set("vmplant.node.hostname", hostname)]));

    /// <summary>A small VM whose build performs two actions (about 2 s with the chaos time scale).</summary>
    public static VmSpec Spec(string name) => new(name, new Resources(1, 256, 1),
    [
        new ActionSpec("os", "install-os", ImmutableSortedDictionary.CreateRange(new Dictionary<string, string> { ["distro"] = "debian", ["release"] = "12" }), [], 100),
        new ActionSpec("job", "run-script", ImmutableSortedDictionary.CreateRange(new Dictionary<string, string> { ["script"] = $"echo {name}" }), ["os"], 100),
    ]);

    private CreateVm NextRequest()
    {
        var n = Interlocked.Increment(ref _sequence);
        var request = new CreateVm($"{_report.Scenario}-{n:D3}", Spec($"chaos{n:D3}"));
        _requests[request.RequestId] = new RequestTrace(request, _report.Now);
        return request;
    }

    /// <summary>Lanes send creates back to back; the fault hits after a few answers; the stream goes on until recovery is seen.</summary>
    /// <returns>When the fault hit (seconds into the drill).</returns>
    private async Task<double> StreamWithFaultAsync(Func<Task> fault) => (await StreamWithFaultsAsync([new DrillFault(fault)]))[0];

    /// <summary>
    /// Lanes send creates back to back while the faults hit one after another: each after a few answers, each
    /// followed by its recovery (the first request sent after it answered) and its heal (the cluster whole again).
    /// </summary>
    /// <returns>When each fault hit (seconds into the drill).</returns>
    private async Task<IReadOnlyList<double>> StreamWithFaultsAsync(IReadOnlyList<DrillFault> faults)
    {
        using var stop = new CancellationTokenSource();
        var lanes = Enumerable.Range(0, _options.Lanes).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested) await SendAsync(NextRequest());
        })).ToList();
        _report.Mark($"workload started: {_options.Lanes} lanes of create requests");
        var faultAfter = _options.FaultAfter ?? TimeSpan.FromSeconds(6);
        var faultTimes = new List<double>();
        var probes = new List<Task>();
        foreach (var fault in faults)
        {
            var answered = _requests.Values.Count(r => r.Answer is not null);
            await WaitUntilAsync(() => _requests.Values.Count(r => r.Answer is not null) >= answered + 4, faultAfter + TimeSpan.FromSeconds(60));
            await Task.Delay(faultAfter);
            await fault.Inject();
            var faultAt = _report.Now;
            faultTimes.Add(faultAt);
            // A request sent right after the fault, as a user would: the lanes may all be waiting on requests the
            // fault caught in flight, and "the first request sent after the fault" should not wait for them.
            probes.Add(SendAsync(NextRequest()));
            await WaitUntilAsync(() => _requests.Values.Count(r => r.SentAt > faultAt && r.Answer is not null) >= _options.Lanes, TimeSpan.FromSeconds(90));
            var first = _requests.Values.Where(r => r.SentAt > faultAt && r.AnsweredAt is not null).MinBy(r => r.AnsweredAt);
            var recovered = first?.AnsweredAt ?? 0;
            if (recovered > 0)
            {
                if (recovered - faultAt >= (_report.RecoverySeconds ?? 0))
                    _report.RecoveryBuildSeconds = first!.Answer is VmCreated created ? Math.Round(created.Report.ElapsedMs / 1000, 2) : null;
                _report.RecoverySeconds = Math.Max(_report.RecoverySeconds ?? 0, Math.Round(recovered - faultAt, 2));
                _report.Mark(recovered, faults.Count == 1 ? "first request sent after the fault answered"
                    : $"first request sent after fault {faultTimes.Count} answered ({recovered - faultAt:0.00} s after it)");
            }
            else _report.Problems.Add($"no request sent after fault {faultTimes.Count} was answered within 90 s");
            if (fault.Heal is not null) await fault.Heal();
        }
        await Task.Delay(_options.RunAfterFault ?? TimeSpan.FromSeconds(8));
        stop.Cancel();
        await Task.WhenAll(lanes.Concat(probes));
        _report.Mark("workload stopped; in-flight requests answered or timed out");
        return faultTimes;
    }

    /// <summary>Sends creates one lane at a time and kills the plant node that is building the first one.</summary>
    private async Task KillPlantMidCreateAsync()
    {
        // The plant's own log says when a build starts. Asking the shop for plant status instead (a VM count going up)
        // came back too late on a busy machine: status answers queue behind journal writes, and an 8 s build had ended.
        var buildsBefore = PlantNodes.ToDictionary(n => n.Name, BuildsStarted);
        var inFlight = Enumerable.Range(0, _options.Lanes).Select(_ => SendAsync(NextRequest())).ToList();
        _report.Mark($"sent {_options.Lanes} create requests");
        NodeProcess? node = null;
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (node is null && DateTime.UtcNow < deadline)
        {
            node = PlantNodes.FirstOrDefault(n => BuildsStarted(n) > buildsBefore[n.Name]);
            if (node is null) await Task.Delay(50);
        }
        if (node is null)
        {
            _report.Problems.Add("no plant started building within 30 s");
            return;
        }
        var victim = _plantOfNode[node.Name];
        await Step($"SIGKILL {node.Name} (plant {victim}) while it builds", node.KillAsync);
        var faultAt = _report.Now;
        await Task.WhenAll(inFlight);
        var onVictim = _requests.Values.Where(r => r.Answer is VmCreated c && c.Vm.Plant == victim).ToList();
        if (onVictim.Count > 0) _report.Problems.Add($"{onVictim.Count} requests were reported built on the killed plant {victim}");
        var last = _requests.Values.Where(r => r.AnsweredAt is not null).Select(r => r.AnsweredAt!.Value).DefaultIfEmpty().Max();
        if (last > faultAt)
        {
            _report.RecoverySeconds = Math.Round(last - faultAt, 2);
            _report.Mark(last, "every in-flight request answered (re-bid on the surviving plants)");
        }
    }

    /// <summary>How many builds the plant node has logged starting ("Plant p1: building vm for request …").</summary>
    private static int BuildsStarted(NodeProcess node) => node.LogLines().Count(line => line.Contains(": building ", StringComparison.Ordinal));

    private async Task SendAsync(CreateVm request)
    {
        var trace = _requests[request.RequestId];
        try
        {
            var answer = await _client!.AskAsync(request, AskDeadline);
            trace.Answer = answer;
            trace.AnsweredAt = _report.Now;
        }
        catch (Exception e) when (e is NodeUnreachableException or RequestTimedOutException)
        {
            trace.TimedOut = true;
        }
    }

    /// <summary>Every request is asked once more by id (as a client that never heard back would), then the outcome is checked.</summary>
    private async Task VerifyAsync(int? liveNodes = null)
    {
        var live = liveNodes ?? _nodes.Count(n => !n.HasExited);
        _report.Sent = _requests.Count;
        _report.Acknowledged = _requests.Values.Count(r => r.Answer is not null);
        _report.ClientErrors = _requests.Values.Count(r => r.TimedOut);
        var finals = new ConcurrentDictionary<string, object?>();
        if (await TryAskAsync(new ListVms([]), TimeSpan.FromSeconds(60)) is not VmList)
            throw new InvalidOperationException("the shop did not answer within 60 s after the drill: the cluster did not recover");
        await Parallel.ForEachAsync(_requests.Values, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (r, _) =>
            finals[r.Request.RequestId] = await TryAskAsync(r.Request, TimeSpan.FromSeconds(30)));
        _report.Mark("every request asked again by id");
        // Every page of each listing (a drill's VMs outgrow one page).
        var vms = Assert<VmList>(await PageFetcher.AllAsync(new ListVms([]), page => _client!.AskAsync(page))).Vms;
        var plants = Assert<PlantList>(await PageFetcher.AllAsync(ListPlants.Instance, page => _client!.AskAsync(page))).Plants;
        foreach (var trace in _requests.Values)
        {
            var final = finals[trace.Request.RequestId];
            switch (final)
            {
                case VmCreated created:
                    _report.Completed++;
                    if (trace.Answer is VmCreated first && first.Vm.VmId != created.Vm.VmId)
                    {
                        _report.Duplicated++;
                        _report.Problems.Add($"{trace.Request.RequestId}: answered {first.Vm.VmId}, later {created.Vm.VmId}");
                    }
                    if (vms.FirstOrDefault(v => v.VmId == created.Vm.VmId) is not { State: VmState.Running })
                    {
                        _report.Lost++;
                        _report.Problems.Add($"{trace.Request.RequestId}: VM {created.Vm.VmId} is not running in the shop's list");
                    }
                    break;
                case CreateVmFailed failed:
                    _report.Failed++;
                    _report.Failures.Add($"{trace.Request.RequestId}: {failed.Reason}");
                    if (trace.Answer is VmCreated)
                    {
                        _report.Lost++;
                        _report.Problems.Add($"{trace.Request.RequestId}: was created, later reported failed");
                    }
                    break;
                default:
                    _report.Lost++;
                    _report.Problems.Add($"{trace.Request.RequestId}: no outcome after the drill ({final?.GetType().Name ?? "no answer"})");
                    break;
            }
        }
        var livePlants = plants.Select(p => p.Plant).ToHashSet();
        var running = vms.Where(v => v.State == VmState.Running && livePlants.Contains(v.Plant)).ToList();
        var held = plants.Sum(p => p.Vms);
        if (held > running.Count)
        {
            _report.Duplicated += held - running.Count;
            _report.Problems.Add($"live plants hold {held} VMs, the shop knows {running.Count} on them");
        }
        foreach (var plant in plants)
        {
            var mine = running.Where(v => v.Plant == plant.Plant).ToList();
            if (plant.Total.Vcpus - plant.Free.Vcpus != mine.Sum(v => v.Resources.Vcpus) ||
                plant.Total.MemoryMiB - plant.Free.MemoryMiB != mine.Sum(v => v.Resources.MemoryMiB))
            {
                _report.CapacityLeaks++;
                _report.Problems.Add($"plant {plant.Plant}: used capacity does not match the {mine.Count} VMs the shop has there");
            }
        }
        _report.Mark($"verified: {vms.Length} VMs in the shop, {plants.Length} live plants, {live} live nodes");
    }

    private async Task<object?> TryAskAsync(IVmPlantMessage message, TimeSpan timeout)
    {
        try
        {
            return await _client!.AskAsync(message, timeout);
        }
        catch (Exception e) when (e is NodeUnreachableException or RequestTimedOutException)
        {
            return null;
        }
    }

    private static T Assert<T>(object answer) => answer is T t ? t : throw new InvalidOperationException($"expected {typeof(T).Name}, got {answer}");

    private static async Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition() && DateTime.UtcNow < deadline) await Task.Delay(50);
    }

    public static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        if (_client is not null) await _client.DisposeAsync();
        foreach (var node in _retired.Concat(_nodes)) await node.DisposeAsync();
        if (!_options.Keep && (_result ?? _report).Passed)
        {
            try { Directory.Delete(_work, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    private sealed class RequestTrace(CreateVm request, double sentAt)
    {
        public CreateVm Request { get; } = request;
        public double SentAt { get; } = sentAt;
        public object? Answer { get; set; }
        public double? AnsweredAt { get; set; }
        public bool TimedOut { get; set; }
    }
}
