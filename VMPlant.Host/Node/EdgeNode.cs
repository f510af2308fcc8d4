using System.Collections.Immutable;
using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.Tools.Client;
using Akka.Configuration;
using Akka.Event;
using VMPlant.Host.Configuration;
using VMPlant.Host.Security;
using VMPlant.Messages;

namespace VMPlant.Host.Node;

/// <summary>
/// The node's door for clients: a second actor system on its own port (vmplant.edge.port) that is a cluster of one,
/// so that it can run a cluster-client receptionist without admitting clients to the VMPlant cluster itself. It runs
/// in untrusted mode, and the only actor selection it accepts is the receptionist's; system messages such as
/// PoisonPill are dropped on arrival. The receptionist offers one service, the gate, which passes the public requests
/// (create, estimate, configure, show, list, destroy, list plants) to the shop and drops everything else. With TLS on,
/// the edge admits client certificates while the cluster port admits node certificates only.
/// </summary>
public sealed class EdgeNode
{
    public const string SystemName = "vmplant-edge";
    public const string GatePath = "/user/edge/gate";

    private EdgeNode(ActorSystem system) => System = system;

    public ActorSystem System { get; }

    /// <summary>The contact point clients use: this edge's cluster-client receptionist.</summary>
    public string Receptionist => $"{Cluster.Get(System).SelfAddress}/system/receptionist";

    public static EdgeNode Start(Config nodeConfig, IActorRef shopProxy)
    {
        var edge = nodeConfig.GetConfig("vmplant.edge");
        var port = EdgePort(nodeConfig);
        var config = ConfigurationFactory.ParseString($"""
            akka.remote.dot-netty.tcp.port = {port}
            akka.remote.untrusted-mode = on
            akka.remote.trusted-selection-paths = ["/system/receptionist"]
            akka.cluster.seed-nodes = []
            akka.cluster.roles = []
            akka.cluster.client.receptionist.role = ""
            """).WithFallback(nodeConfig);
        var system = TransportSecurity.CreateSystem(SystemName, config,
            ImmutableHashSet.Create(PeerCertificates.ClientRole, PeerCertificates.OperatorRole));
        var cluster = Cluster.Get(system);
        cluster.Join(cluster.SelfAddress);
        // The receptionist exists before the node says it listens: created lazily by the gate's keeper, a client that
        // came at once (under load) was told there is no receptionist at /system/receptionist.
        ClusterClientReceptionist.Get(system);
        var tls = TlsSettings.Read(nodeConfig);
        var verifier = new ClientVerifier(tls.Enabled ? tls.Load().Authority : null, edge.GetTimeSpan("signature-max-age", TimeSpan.FromMinutes(10)));
        var timeout = edge.GetTimeSpan("request-timeout", TimeSpan.FromSeconds(60));
        system.ActorOf(Props.Create(() => new EdgeKeeper(shopProxy, verifier, timeout)), "edge");
        return new EdgeNode(system);
    }

    /// <summary>vmplant.edge.port, or "auto": the node's port + 1 (0 stays 0: any free port).</summary>
    public static int EdgePort(Config nodeConfig)
    {
        var value = nodeConfig.GetString("vmplant.edge.port", "auto");
        if (value == "auto")
        {
            var nodePort = nodeConfig.GetInt("vmplant.node.port");
            return nodePort == 0 ? 0 : nodePort + 1;
        }
        return int.TryParse(value, out var port) && port is >= 0 and <= 65535
            ? port
            : throw new ConfigurationException($"vmplant.edge.port: {Excerpt.Of(value)} is not a port number or auto");
    }

    public Task StopAsync() => CoordinatedShutdown.Get(System).Run(CoordinatedShutdown.ClrExitReason.Instance);
}

/// <summary>Keeps a gate running and registered with the receptionist: a gate that is stopped is replaced at once.</summary>
internal sealed class EdgeKeeper : ReceiveActor
{
    private readonly IActorRef _shop;
    private readonly ClientVerifier _verifier;
    private readonly TimeSpan _timeout;

    public EdgeKeeper(IActorRef shop, ClientVerifier verifier, TimeSpan timeout)
    {
        _shop = shop;
        _verifier = verifier;
        _timeout = timeout;
        Receive<Terminated>(_ =>
        {
            Context.GetLogger().Warning("the client gate stopped; starting a new one");
            StartGate();
        });
    }

    protected override void PreStart() => StartGate();

    private void StartGate()
    {
        var gate = Context.ActorOf(Props.Create(() => new Gate(_shop, _verifier, _timeout)), "gate");
        Context.Watch(gate);
        ClusterClientReceptionist.Get(Context.System).RegisterService(gate);
    }
}

/// <summary>
/// Passes public requests to the shop (an Ask from the cluster's side, so the answer finds its way back) and drops the
/// rest; requests that change a VM go with the caller the <see cref="ClientVerifier"/> established, or are refused.
/// </summary>
internal sealed class Gate : ReceiveActor
{
    public Gate(IActorRef shop, ClientVerifier verifier, TimeSpan timeout)
    {
        var log = Context.GetLogger();
        Receive<IVmPlantMessage>(IsPublicRequest, received =>
        {
            var replyTo = Sender;
            var request = received;
            if (received is IAuthorizedRequest authorized)
            {
                var (verified, refusal) = verifier.Verify(authorized, DateTimeOffset.UtcNow);
                if (refusal is not null)
                {
                    log.Warning("client gate: refused {0} {1}: {2}", received.GetType().Name, ClientVerifier.RequestKey(authorized), refusal);
                    replyTo.Tell(new RequestRejected(ClientVerifier.RequestKey(authorized), refusal));
                    return;
                }
                request = verified!;
            }
            shop.Ask<object>(request, timeout).ContinueWith(answer =>
            {
                if (answer.IsCompletedSuccessfully) replyTo.Tell(answer.Result);
            }, TaskContinuationOptions.ExecuteSynchronously);
        });
        ReceiveAny(message => log.Warning("client gate: dropped {0} from {1}: not a public request", message.GetType().Name, Sender));
    }

    public static bool IsPublicRequest(IVmPlantMessage message) =>
        message is CreateVm or EstimateVm or ConfigureVm or ShowVm or ListVms or DestroyVm or ListPlants;
}
