// VMPlant sample client: an actor system that is NOT a cluster member talks to a VMPlant cluster through the
// cluster-client receptionist. It creates a VM from a HOCON spec, shows it, lists VMs and destroys it.
//
//   dotnet VMPlant.SampleClient.dll SPEC.conf akka.tcp://vmplant-edge@127.0.0.1:4054/system/receptionist [more receptionists…]
//
// Exit code 0 when every step got the expected answer, 1 otherwise, 2 on bad arguments.
using System.Collections.Immutable;
using System.Security.Cryptography.X509Certificates;
using Akka.Actor;
using Akka.Actor.Setup;
using Akka.Cluster.Tools.Client;
using Akka.Cluster.Tools.PublishSubscribe;
using Akka.Configuration;
using Akka.Remote.Transport.DotNetty;
using VMPlant.Messages.Specs;
using VMPlant.Messages;

if (args.Length < 2)
{
    Console.Error.WriteLine("usage: VMPlant.SampleClient SPEC.conf RECEPTIONIST [RECEPTIONIST…]");
    return 2;
}

// 1. Parse and validate the spec locally (the shop validates again): a bad spec fails here, nothing is sent.
var spec = VmSpecParser.ParseFile(args[0]);

// 2. Our own actor system: remoting on a free loopback port (use the same host form as the cluster's addresses),
//    and VMPlant's messages bound to VMPlant's serializer, never the JSON fallback.
var config = ConfigurationFactory.ParseString("""
    akka {
      # ERROR: the transport's shutdown chatter is not the user's business.
      loglevel = ERROR
      stdout-loglevel = ERROR
      actor {
        provider = remote
        serializers.vmplant = "VMPlant.Messages.Serialization.VmPlantMessageSerializer, VMPlant.Messages"
        serialization-bindings { "VMPlant.Messages.IVmPlantMessage, VMPlant.Messages" = vmplant }
      }
      remote.dot-netty.tcp { hostname = "127.0.0.1", port = 0 }
    }
    """)
    // ClusterClient settings and the binding of its envelopes (they travel as pub-sub messages).
    .WithFallback(ClusterClientReceptionist.DefaultConfig())
    .WithFallback(DistributedPubSub.DefaultConfig());
// With TLS (VMPLANT_TLS_CA, VMPLANT_CLIENT_CERTIFICATE, VMPLANT_CLIENT_PRIVATE_KEY and the key's password in
// VMPLANT_TLS_PASSWORD or VMPLANT_TLS_PASSWORD_FILE, as `vmplant certs` makes them): mutual TLS that accepts only
// node certificates of that CA, and requests that change a VM signed with the client certificate (the edge takes the
// caller, who will own the VM, from the signature).
var tls = TlsFromEnvironment();
using var system = tls is null
    ? ActorSystem.Create("sample-client", config)
    : ActorSystem.Create("sample-client", BootstrapSetup.Create()
        .WithConfig(ConfigurationFactory.ParseString("akka.remote.dot-netty.tcp.enable-ssl = on").WithFallback(config))
        .And(new DotNettySslSetup(tls.Value.Own, false, true, false, (peer, _, _, _, _) => peer is not null && IsNodeOf(tls.Value.Authority, peer))));

static (X509Certificate2 Own, X509Certificate2 Authority)? TlsFromEnvironment()
{
    if (Environment.GetEnvironmentVariable("VMPLANT_CLIENT_CERTIFICATE") is not { Length: > 0 } certificate) return null;
    var password = Environment.GetEnvironmentVariable("VMPLANT_TLS_PASSWORD")
                   ?? File.ReadAllText(Environment.GetEnvironmentVariable("VMPLANT_TLS_PASSWORD_FILE")!).TrimEnd('\n');
    using var pem = X509Certificate2.CreateFromEncryptedPemFile(certificate, password, Environment.GetEnvironmentVariable("VMPLANT_CLIENT_PRIVATE_KEY"));
    return (X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null),
        X509CertificateLoader.LoadCertificateFromFile(Environment.GetEnvironmentVariable("VMPLANT_TLS_CA")!));
}

// The peer must chain to our CA (not the OS store) and carry the node role (OU=node).
static bool IsNodeOf(X509Certificate2 authority, X509Certificate2 peer)
{
    using var chain = new X509Chain();
    chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
    chain.ChainPolicy.CustomTrustStore.Add(authority);
    chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
    return chain.Build(peer) && chain.ChainElements[^1].Certificate.Thumbprint == authority.Thumbprint
           && peer.SubjectName.EnumerateRelativeDistinguishedNames()
               .Any(rdn => rdn.GetSingleElementType().Value == "2.5.4.11" && rdn.GetSingleElementValue() == "node");
}

// 3. A ClusterClient with the receptionists as initial contacts; list several nodes so any one of them will do.
var contacts = args.Skip(1).Select(ActorPath.Parse).ToImmutableHashSet();
var client = system.ActorOf(ClusterClient.Props(ClusterClientSettings.Create(system).WithInitialContacts(contacts)), "client");

// Every VMPlant request is safe to resend (a create carries its request id; the shop answers every copy the same
// way), so an unanswered request is simply sent again: that carries the client across a shop failover.
async Task<object> Ask(IVmPlantMessage request)
{
    if (tls is not null && request is IAuthorizedRequest change)
        request = (IVmPlantMessage)change.WithCredential(ClientCredential.For(change, tls.Value.Own, DateTimeOffset.UtcNow));
    for (var attempt = 1; ; attempt++)
    {
        try
        {
            return await client.Ask(new ClusterClient.Send("/user/edge/gate", request), TimeSpan.FromSeconds(5));
        }
        catch (AskTimeoutException) when (attempt < 6)
        {
            Console.WriteLine($"no answer yet to {request.GetType().Name}, sending it again");
        }
    }
}

var ok = true;
void Fail(string what, object answer)
{
    Console.WriteLine($"{what}: unexpected answer {answer}");
    ok = false;
}

// 4. Create: the shop asks every plant for a bid and places the VM where the least work remains.
var requestId = $"sample-{Guid.NewGuid():N}";
var created = await Ask(new CreateVm(requestId, spec));
if (created is not VmCreated { Vm: var vm })
{
    Fail("create", created);
    await CoordinatedShutdown.Get(system).Run(CoordinatedShutdown.ClrExitReason.Instance);
    return 1;
}
Console.WriteLine($"created {vm.VmId} on plant {vm.Plant}, image {vm.ImageId}, {vm.Actions.Length} actions");

// 5. Show it.
switch (await Ask(new ShowVm(vm.VmId)))
{
    case VmInfo info: Console.WriteLine($"shown {info.VmId}: {info.State} on {info.Plant}, {info.Resources.Vcpus} vCPU, {info.Resources.MemoryMiB} MiB"); break;
    case var other: Fail("show", other); break;
}

// 6. List the VMs on the same plant (filters: plant, name, state, kind, image, id). Answers are paged to fit in one
//    remoting frame: each page carries the cursor of the next (`Next`, null on the last), passed back as `After`.
var listed = new List<VmInfo>();
for (string? after = null; ;)
{
    var answer = await Ask(new ListVms([new VmFilter("plant", vm.Plant)]) { Limit = 100, After = after });
    if (answer is not VmList page)
    {
        Fail("list", answer);
        break;
    }
    listed.AddRange(page.Vms);
    if ((after = page.Next) is null)
    {
        Console.WriteLine($"listed {listed.Count} VMs on {vm.Plant}: {string.Join(", ", listed.Select(v => v.VmId))}");
        break;
    }
}
// (PageFetcher.AllAsync(query, Ask) does the same for any paged query, completing VMs whose actions did not fit a page.)

// 7. Destroy it.
switch (await Ask(new DestroyVm(vm.VmId)))
{
    case VmDestroyed destroyed: Console.WriteLine($"destroyed {destroyed.VmId} on {destroyed.Plant}"); break;
    case var other: Fail("destroy", other); break;
}

// Leave politely: remoting connections are closed before the process ends.
await CoordinatedShutdown.Get(system).Run(CoordinatedShutdown.ClrExitReason.Instance);
return ok ? 0 : 1;
