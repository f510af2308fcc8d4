using System.Collections.Immutable;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Akka.Actor;
using Akka.Cluster.Tools.Client;
using Akka.Configuration;
using VMPlant.Host.Configuration;
using VMPlant.Host.Security;
using VMPlant.Messages;
using VMPlant.Messages.Specs;

namespace VMPlant.Host.Node;

/// <summary>
/// Talks to a VMPlant cluster from outside it, through the cluster-client receptionist of a node's edge
/// (<see cref="EdgeNode"/>): the path the CLI uses and the one any other actor system can copy. Messages are the
/// records in VMPlant.Messages. With TLS on, the client presents vmplant.client.tls's certificate (else vmplant.tls's).
/// Every failure is a one-line exception that says what is wrong: a bad address, nothing listening, a listener that
/// is not a VMPlant node, a request too large for a frame, or no answer in time (with the request id to ask again).
/// </summary>
public sealed class VmPlantClient : IAsyncDisposable
{
    /// <summary>Room left in a frame for the envelopes around a request (cluster-client Send, remoting headers).</summary>
    public const int EnvelopeBytes = 2048;

    private readonly ActorSystem _system;
    private readonly IActorRef _clusterClient;
    private readonly ImmutableArray<string> _contactPoints;
    private readonly X509Certificate2? _signer;
    private readonly long _maxMessageBytes;

    private VmPlantClient(ActorSystem system, IActorRef clusterClient, ImmutableArray<string> contactPoints, TimeSpan timeout,
        TimeSpan retryInterval, long maxMessageBytes, X509Certificate2? signer)
    {
        _system = system;
        _signer = signer;
        _clusterClient = clusterClient;
        _contactPoints = contactPoints;
        _maxMessageBytes = maxMessageBytes;
        Timeout = timeout;
        RetryInterval = retryInterval;
    }

    public TimeSpan Timeout { get; }

    /// <summary>Unanswered requests are resent (same request id) this often until <see cref="Timeout"/> runs out.</summary>
    public TimeSpan RetryInterval { get; }

    /// <summary>Starts a small client actor system on a free loopback port; <paramref name="contactPoints"/> overrides the config's.</summary>
    /// <exception cref="ConfigurationException">A contact point or client setting is malformed.</exception>
    /// <exception cref="NodeUnreachableException">Nothing usable answers at any contact point.</exception>
    public static async Task<VmPlantClient> ConnectAsync(Config nodeConfig, IReadOnlyList<string>? contactPoints = null)
    {
        nodeConfig = WithClientCertificate(nodeConfig);
        var fromFlags = contactPoints is { Count: > 0 };
        var contacts = (fromFlags
                ? contactPoints!.ToImmutableArray()
                : ClientSettings.StringList(nodeConfig, "vmplant.client.contact-points").ToImmutableArray())
            .Select(contact => TransportSecurity.WithProtocol(contact, nodeConfig))
            .ToImmutableArray();
        var paths = ClientSettings.ContactPaths(contacts, fromFlags ? "--node" : "vmplant.client.contact-points (or VMPLANT_CONTACT_POINTS)");
        var timeout = ClientSettings.Duration(nodeConfig, "vmplant.client.request-timeout", TimeSpan.FromSeconds(30));
        var retryInterval = ClientSettings.Duration(nodeConfig, "vmplant.client.retry-interval", TimeSpan.FromSeconds(2));
        var probeTimeout = ClientSettings.Duration(nodeConfig, "vmplant.client.probe-timeout", TimeSpan.FromSeconds(5));
        var maxFrame = ClientSettings.Bytes(nodeConfig, "akka.remote.dot-netty.tcp.maximum-frame-size", 128_000);
        var tls = TlsSettings.Read(nodeConfig);
        var credentials = tls.Enabled ? tls.Load() : default((X509Certificate2 Own, X509Certificate2 Authority)?);
        // Held open until the actor-system probe has answered: a connection closed straight after its TLS handshake
        // can cut the node's side of that handshake short, which the node logs as a failed one.
        await using var listening = await EnsureListeningAsync(paths, credentials);

        var hostname = nodeConfig.GetString("vmplant.node.hostname", "127.0.0.1");
        var logLevel = nodeConfig.GetString("vmplant.client.loglevel", "ERROR");
        var config = ConfigurationFactory.ParseString($"""
            akka.actor.provider = remote
            akka.remote.dot-netty.tcp.port = 0
            akka.remote.dot-netty.tcp.hostname = "{hostname}"
            akka.loglevel = {logLevel}
            akka.stdout-loglevel = OFF
            akka.loggers = ["{typeof(StandardErrorLogger).AssemblyQualifiedName}"]
            """).WithFallback(nodeConfig);
        var system = TransportSecurity.CreateSystem("vmplant-client", config, ImmutableHashSet.Create(PeerCertificates.NodeRole));
        try
        {
            await ProbeAsync(system, paths, probeTimeout);
        }
        catch
        {
            await system.Terminate();
            throw;
        }
        var settings = ClusterClientSettings.Create(system).WithInitialContacts(paths.ToImmutableHashSet());
        var client = system.ActorOf(ClusterClient.Props(settings), "vmplant-client");
        // With TLS on, requests that change a VM are signed with the client's certificate: the edge takes the caller from it.
        return new VmPlantClient(system, client, contacts, timeout, retryInterval, maxFrame - EnvelopeBytes, credentials?.Own);
    }

    /// <summary>
    /// Sends a request to the shop and waits for its answer. Every request in VMPlant.Messages is safe to repeat
    /// (creates and configures carry their request id), so a request without an answer after
    /// <see cref="RetryInterval"/> is sent again, e.g. when it was lost with a shop node that died, until the
    /// overall deadline. The first answer to any copy wins; the shop answers every copy of a request id the same way.
    /// </summary>
    /// <exception cref="RequestTooLargeException">The request would not fit in one remoting frame; nothing was sent.</exception>
    /// <exception cref="RequestTimedOutException">No answer before the deadline; the outcome is unknown.</exception>
    public async Task<object> AskAsync(IVmPlantMessage request, TimeSpan? timeout = null)
    {
        EnsureFits(request);
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
        var where = $"no answer from VMPlant at {string.Join(", ", _contactPoints)} within {wait.TotalSeconds:0.#}s";
        throw new RequestTimedOutException(RequestIdOf(request) is { } id
            ? $"{where}; the request may still be carried out. Its request id is {id}: run the same command with " +
              $"--request-id {id} to get its outcome (the shop answers every copy of an id the same way)"
            : $"{where} (the node is up but the shop did not answer: is the cluster still forming, or is the node overloaded?)");
    }

    private static string? RequestIdOf(IVmPlantMessage request) => request switch
    {
        CreateVm create => create.RequestId,
        ConfigureVm configure => configure.RequestId,
        _ => null,
    };

    /// <summary>A message over the frame size is dropped by remoting without a word: refuse it here, saying what is big.</summary>
    private void EnsureFits(IVmPlantMessage request)
    {
        var serializer = _system.Serialization.FindSerializerFor(request);
        var size = serializer.ToBinary(request).LongLength;
        if (size <= _maxMessageBytes) return;
        var actions = request switch
        {
            CreateVm create => create.Spec.Actions,
            EstimateVm estimate => estimate.Spec.Actions,
            ConfigureVm configure => configure.Actions,
            _ => [],
        };
        var largest = actions.IsEmpty
            ? ""
            : actions.Select(a => (a.Id, Bytes: System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(a).Length)).MaxBy(a => a.Bytes) is var (id, bytes)
                ? $"; it has {actions.Length:N0} actions, the largest is {Excerpt.Of(id, 64)} at about {bytes:N0} bytes"
                : "";
        throw new RequestTooLargeException(
            $"the {request.GetType().Name} request is {size:N0} bytes, over the {_maxMessageBytes:N0} bytes one message may carry " +
            $"(akka.remote.dot-netty.tcp.maximum-frame-size less {EnvelopeBytes:N0} for envelopes){largest}; nothing was sent");
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

    /// <summary>
    /// Fails fast, with a clear message, when nothing listens at any contact point; returns the open connection. With
    /// TLS on, the probe completes a TLS handshake with the client's certificate: a bare connect-and-close would make
    /// the node log a failed handshake (as it must for real garbage) on every CLI call.
    /// </summary>
    private static async Task<ProbeConnection> EnsureListeningAsync(IReadOnlyList<ActorPath> contacts, (X509Certificate2 Own, X509Certificate2 Authority)? tls)
    {
        foreach (var contact in contacts)
        {
            var tcp = new TcpClient();
            try
            {
                using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(3));
                await tcp.ConnectAsync(contact.Address.Host!, contact.Address.Port!.Value, cancel.Token);
                if (tls is not { } credentials) return new ProbeConnection(tcp, null);
                // Something listens; a handshake on a busy machine may take much longer than a connect.
                using var handshake = new CancellationTokenSource(TimeSpan.FromSeconds(30));
                return new ProbeConnection(tcp, await HandshakeAsync(tcp, contact, credentials, handshake.Token));
            }
            catch (Exception e) when (e is SocketException or OperationCanceledException)
            {
                tcp.Dispose();
                // Try the next contact point.
            }
        }
        throw new NodeUnreachableException(
            $"no VMPlant node reachable at {string.Join(", ", contacts)} (start one with `./vmplant serve`, or pass --node)");
    }

    /// <summary>
    /// A handshake as remoting does it (our certificate, the node's checked against VMPlant's CA). Whether it succeeds
    /// does not matter here: something listens, and the actor-system probe that follows says whether it is a VMPlant node.
    /// </summary>
    private static async Task<SslStream> HandshakeAsync(TcpClient tcp, ActorPath contact, (X509Certificate2 Own, X509Certificate2 Authority) credentials, CancellationToken cancellation)
    {
        var tls = new SslStream(tcp.GetStream(), leaveInnerStreamOpen: true);
        try
        {
            await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
            {
                TargetHost = contact.Address.Host,
                ClientCertificates = [credentials.Own],
                RemoteCertificateValidationCallback = (_, certificate, _, _) => certificate is not null &&
                    PeerCertificates.Check(X509CertificateLoader.LoadCertificate(certificate.GetRawCertData()), credentials.Authority,
                        new HashSet<string> { PeerCertificates.NodeRole }) is null,
            }, cancellation);
        }
        catch (Exception e) when (e is AuthenticationException or IOException)
        {
            // Not a TLS peer with our CA: the actor-system probe tells what it is.
        }
        return tls;
    }

    /// <summary>The reachability probe's connection, closed once the client knows what answers there.</summary>
    private sealed class ProbeConnection(TcpClient tcp, SslStream? tls) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            if (tls is not null) await tls.DisposeAsync();
            tcp.Dispose();
        }
    }

    /// <summary>
    /// Asks each contact point's actor to identify itself: within a few seconds this tells a live receptionist from
    /// a wrong path (answered: nobody there), a wrong actor-system name or a listener that is not a VMPlant node
    /// (no answer at all), instead of the request's full deadline.
    /// </summary>
    private static async Task ProbeAsync(ActorSystem system, IReadOnlyList<ActorPath> contacts, TimeSpan probeTimeout)
    {
        var probes = contacts
            .Select(path => (Path: path, Answer: system.ActorSelection(path).Ask<ActorIdentity>(new Identify(path.ToString()), probeTimeout)))
            .ToList();
        var problems = new List<string>();
        foreach (var (path, answer) in probes)
        {
            try
            {
                if ((await answer).Subject is not null) return;
                problems.Add($"the node at {path.Address} has no actor at {path.ToStringWithoutAddress()} (a VMPlant receptionist is at /system/receptionist)");
            }
            catch (Exception e) when (e is AskTimeoutException or TaskCanceledException)
            {
                problems.Add($"something listens at {path.Address.Host}:{path.Address.Port} but no actor system named '{path.Address.System}' answered at " +
                             $"{path.ToStringWithoutAddress()} within {probeTimeout.TotalSeconds:0.#}s (a VMPlant node's edge is the system " +
                             $"'{EdgeNode.SystemName}' with its receptionist at /system/receptionist; it ignores every other path)");
            }
        }
        throw new NodeUnreachableException(string.Join("; ", problems));
    }

    public async ValueTask DisposeAsync() => await _system.Terminate();
}

/// <summary>No node, or no usable node, answers at the contact points.</summary>
public sealed class NodeUnreachableException(string message) : Exception(message);

/// <summary>A request was sent but not answered in time: the outcome is unknown.</summary>
public sealed class RequestTimedOutException(string message) : Exception(message);

/// <summary>A request does not fit in one remoting frame; nothing was sent.</summary>
public sealed class RequestTooLargeException(string message) : Exception(message);
