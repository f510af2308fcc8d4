using System.Collections.Immutable;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using Akka.Actor;
using Akka.Cluster.Tools.Client;
using Akka.Configuration;
using VMPlant.Host.Configuration;
using VMPlant.Host.Security;
using VMPlant.Messages;

namespace VMPlant.Host.Node;

/// <summary>
/// Talks to a VMPlant cluster from outside it, through the cluster-client receptionist of a node's edge
/// (<see cref="EdgeNode"/>): the path the CLI uses and the one any other actor system can copy. Messages are the
/// records in VMPlant.Messages. With TLS on, the client presents vmplant.client.tls's certificate (else vmplant.tls's).
/// </summary>
public sealed class VmPlantClient : IAsyncDisposable
{
    private readonly ActorSystem _system;
    private readonly IActorRef _clusterClient;
    private readonly ImmutableArray<string> _contactPoints;
    private readonly X509Certificate2? _signer;

    private VmPlantClient(ActorSystem system, IActorRef clusterClient, ImmutableArray<string> contactPoints, TimeSpan timeout, TimeSpan retryInterval,
        X509Certificate2? signer)
    {
        _system = system;
        _signer = signer;
        _clusterClient = clusterClient;
        _contactPoints = contactPoints;
        Timeout = timeout;
        RetryInterval = retryInterval;
    }

    public TimeSpan Timeout { get; }

    /// <summary>Unanswered requests are resent (same request id) this often until <see cref="Timeout"/> runs out.</summary>
    public TimeSpan RetryInterval { get; }

    /// <summary>Starts a small client actor system on a free loopback port; <paramref name="contactPoints"/> overrides the config's.</summary>
    public static async Task<VmPlantClient> ConnectAsync(Config nodeConfig, IReadOnlyList<string>? contactPoints = null)
    {
        nodeConfig = WithClientCertificate(nodeConfig);
        var contacts = (contactPoints is { Count: > 0 } ? contactPoints : [.. nodeConfig.GetStringList("vmplant.client.contact-points")])
            .Select(contact => TransportSecurity.WithProtocol(contact, nodeConfig))
            .ToImmutableArray();
        var timeout = nodeConfig.GetTimeSpan("vmplant.client.request-timeout");
        var retryInterval = nodeConfig.GetTimeSpan("vmplant.client.retry-interval", TimeSpan.FromSeconds(5));
        await EnsureReachableAsync(contacts);

        var hostname = nodeConfig.GetString("vmplant.node.hostname");
        var logLevel = nodeConfig.GetString("vmplant.client.loglevel", "WARNING");
        var config = ConfigurationFactory.ParseString($"""
            akka.actor.provider = remote
            akka.remote.dot-netty.tcp.port = 0
            akka.remote.dot-netty.tcp.hostname = "{hostname}"
            akka.loglevel = {logLevel}
            akka.stdout-loglevel = {logLevel}
            """).WithFallback(nodeConfig);
        var system = TransportSecurity.CreateSystem("vmplant-client", config, ImmutableHashSet.Create(PeerCertificates.NodeRole));
        var settings = ClusterClientSettings.Create(system)
            .WithInitialContacts(contacts.Select(ActorPath.Parse).ToImmutableHashSet());
        var client = system.ActorOf(ClusterClient.Props(settings), "vmplant-client");
        // With TLS on, requests that change a VM are signed with the client's certificate: the edge takes the caller from it.
        var tls = TlsSettings.Read(nodeConfig);
        return new VmPlantClient(system, client, contacts, timeout, retryInterval, tls.Enabled ? tls.Load().Own : null);
    }

    /// <summary>
    /// Sends a request to the shop and waits for its answer. Every request in VMPlant.Messages is safe to repeat
    /// (creates and configures carry their request id), so a request without an answer after
    /// <see cref="RetryInterval"/> is sent again, e.g. when it was lost with a shop node that died, until the
    /// overall deadline. The first answer to any copy wins; the shop answers every copy of a request id the same way.
    /// </summary>
    public async Task<object> AskAsync(IVmPlantMessage request, TimeSpan? timeout = null)
    {
        var wait = timeout ?? Timeout;
        if (_signer is not null && request is IAuthorizedRequest authorized)
            request = (IVmPlantMessage)authorized.WithCredential(ClientCredential.For(authorized, _signer, DateTimeOffset.UtcNow));
        var deadline = DateTime.UtcNow + wait;
        var attempts = new List<Task<object>>();
        while (deadline - DateTime.UtcNow is var left && left > TimeSpan.Zero)
        {
            attempts.Add(_clusterClient.Ask(new ClusterClient.Send(EdgeNode.GatePath, request), left));
            var resend = Task.Delay(RetryInterval < left ? RetryInterval : left);
            while (!resend.IsCompleted)
            {
                await Task.WhenAny(attempts.Where(a => !a.IsCompleted).Cast<Task>().Append(resend));
                if (attempts.FirstOrDefault(a => a.IsCompletedSuccessfully) is { } answered) return answered.Result;
                if (attempts.All(a => a.IsCompleted)) await resend;
            }
        }
        throw new NodeUnreachableException(
            $"no answer from VMPlant at {string.Join(", ", _contactPoints)} within {wait.TotalSeconds:0.#}s " +
            "(the node is up but the shop did not answer: is the cluster still forming, or is the node overloaded?)");
    }

    /// <summary>vmplant.client.tls.certificate / private-key, when set, replace vmplant.tls's: a client presents a client certificate.</summary>
    private static Config WithClientCertificate(Config config)
    {
        var certificate = config.GetString("vmplant.client.tls.certificate", "") ?? "";
        if (certificate.Length == 0) return config;
        return ConfigurationFactory.ParseString(string.Join("\n",
                NodeConfig.Set("vmplant.tls.certificate", certificate),
                NodeConfig.Set("vmplant.tls.private-key", config.GetString("vmplant.client.tls.private-key", "") ?? "")))
            .WithFallback(config);
    }

    /// <summary>Fails fast, with a clear message, when nothing listens at any contact point.</summary>
    private static async Task EnsureReachableAsync(ImmutableArray<string> contacts)
    {
        foreach (var contact in contacts)
        {
            var address = ActorPath.Parse(contact).Address;
            using var tcp = new TcpClient();
            try
            {
                using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(3));
                await tcp.ConnectAsync(address.Host!, address.Port ?? 0, cancel.Token);
                return;
            }
            catch (Exception e) when (e is SocketException or OperationCanceledException)
            {
                // Try the next contact point.
            }
        }
        throw new NodeUnreachableException(
            $"no VMPlant node reachable at {string.Join(", ", contacts)} (start one with `./vmplant serve`, or pass --node)");
    }

    public async ValueTask DisposeAsync() => await _system.Terminate();
}

public sealed class NodeUnreachableException(string message) : Exception(message);
