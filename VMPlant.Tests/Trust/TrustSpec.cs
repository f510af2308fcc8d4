using System.Collections.Immutable;
using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.Tools.Client;
using VMPlant.Actors.Domain;
using VMPlant.Actors.Shop;
using VMPlant.Bench.Chaos;
using VMPlant.Host.Node;
using VMPlant.Host.Security;
using VMPlant.Messages;
using VMPlant.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace VMPlant.Tests.Trust;

/// <summary>
/// Who gets in, on real node processes: with TLS on, only certificates from VMPlant's CA with the right role connect
/// (nodes to the cluster port, clients to the edge); without a certificate nothing joins or asks. Outsiders' PoisonPills
/// and direct commands to plants and the shop change nothing.
/// </summary>
[Collection("failover")]
public sealed class TrustSpec(ITestOutputHelper output) : IDisposable
{
    private readonly TempDirectory _data = new("vmplant-trust");

    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task With_TLS_only_certificates_from_the_vmplant_ca_with_the_right_role_get_in()
    {
        var certs = new TestCertificates(Path.Combine(_data.Path, "certs"));
        certs.Vmplant.Issue("n1", [PeerCertificates.NodeRole], TimeSpan.FromDays(1));
        certs.Vmplant.Issue("alice", [PeerCertificates.ClientRole], TimeSpan.FromDays(1));
        certs.Foreign.Issue("rogue", [PeerCertificates.NodeRole], TimeSpan.FromDays(1));
        certs.Foreign.Issue("mallory", [PeerCertificates.ClientRole], TimeSpan.FromDays(1));

        await using var node = await StartNodeAsync("n1", certs.NodeEnvironment("n1"));
        var clusterPort = $"akka.ssl.tcp://vmplant@127.0.0.1:{node.Port}";
        var edge = node.Receptionist.Replace("akka.tcp://", "akka.ssl.tcp://");

        // A client with a VMPlant client certificate is served through the edge (the control: TLS itself works).
        await using (var alice = await VmPlantClient.ConnectAsync(certs.ClientConfig("alice"), [node.Receptionist]))
            await WaitForPlantsAsync(alice, 3);
        var vm = await CreateAsync(certs, node, "alice");

        // A node with a certificate from another CA cannot join: the node refuses it during the TLS handshake.
        using (var rogue = Attackers.Create("vmplant", "cluster", TestCertificates.Load(certs.Foreign, "rogue")))
        {
            Cluster.Get(rogue).Join(Akka.Actor.Address.Parse(clusterPort));
            await WaitForLogAsync(node, l => l.Contains("TLS: refused", StringComparison.Ordinal) && l.Contains("CN=rogue", StringComparison.Ordinal));
            AssertNeverJoined(node, Cluster.Get(rogue).SelfAddress);
        }

        // A genuine client certificate does not open the cluster port: no join, and direct commands to the shop and the
        // plants (destroy, PoisonPill) never arrive.
        using (var intruder = Attackers.Create("vmplant", "cluster", TestCertificates.Load(certs.Vmplant, "alice")))
        {
            intruder.ActorSelection($"{clusterPort}/user/shop-singleton/shop").Tell(new DestroyVm(vm.VmId));
            intruder.ActorSelection($"{clusterPort}/user/plant-{vm.Plant}/plant").Tell(new DestroyVm(vm.VmId));
            intruder.ActorSelection($"{clusterPort}/user/shop-singleton/shop").Tell(PoisonPill.Instance);
            Cluster.Get(intruder).Join(Akka.Actor.Address.Parse(clusterPort));
            await WaitForLogAsync(node, l => l.Contains("TLS: refused", StringComparison.Ordinal) && l.Contains("CN=alice", StringComparison.Ordinal)
                                             && l.Contains("not admitted", StringComparison.Ordinal));
            AssertNeverJoined(node, Cluster.Get(intruder).SelfAddress);
        }

        // A client whose certificate another CA issued gets no answer at the edge.
        using (var mallory = Attackers.Create("mallory", "remote", TestCertificates.Load(certs.Foreign, "mallory")))
        {
            var client = Attackers.ClusterClientTo(mallory, edge);
            await Assert.ThrowsAsync<AskTimeoutException>(() =>
                client.Ask(new ClusterClient.Send(EdgeNode.GatePath, ListPlants.Instance), TimeSpan.FromSeconds(10)));
            await WaitForLogAsync(node, l => l.Contains("TLS: refused", StringComparison.Ordinal) && l.Contains("CN=mallory", StringComparison.Ordinal));
        }

        // A client without any certificate cannot even complete a handshake.
        using (var plain = Attackers.Create("plain", "remote", certificate: null))
        {
            var client = Attackers.ClusterClientTo(plain, node.Receptionist);
            await Assert.ThrowsAsync<AskTimeoutException>(() =>
                client.Ask(new ClusterClient.Send(EdgeNode.GatePath, ListPlants.Instance), TimeSpan.FromSeconds(10)));
        }

        // Nothing the outsiders sent changed anything: the VM is still there, the shop still answers.
        await using var again = await VmPlantClient.ConnectAsync(certs.ClientConfig("alice"), [node.Receptionist]);
        var shown = Assert.IsType<VmInfo>(await again.AskAsync(new ShowVm(vm.VmId)));
        Assert.Equal(VmState.Running, shown.State);
        var plants = Assert.IsType<PlantList>(await again.AskAsync(ListPlants.Instance)).Plants;
        Assert.Equal(1, Assert.Single(plants, p => p.Plant == vm.Plant).Vms);
    }

    [Fact]
    public async Task A_client_cannot_destroy_another_owners_vm_an_operator_can()
    {
        var certs = new TestCertificates(Path.Combine(_data.Path, "certs"));
        certs.Vmplant.Issue("n1", [PeerCertificates.NodeRole], TimeSpan.FromDays(1));
        certs.Vmplant.Issue("alice", [PeerCertificates.ClientRole], TimeSpan.FromDays(1));
        certs.Vmplant.Issue("bob", [PeerCertificates.ClientRole], TimeSpan.FromDays(1));
        certs.Vmplant.Issue("root", [PeerCertificates.ClientRole, PeerCertificates.OperatorRole], TimeSpan.FromDays(1));
        await using var node = await StartNodeAsync("n1", certs.NodeEnvironment("n1"));
        await using var alice = await VmPlantClient.ConnectAsync(certs.ClientConfig("alice"), [node.Receptionist]);
        await using var bob = await VmPlantClient.ConnectAsync(certs.ClientConfig("bob"), [node.Receptionist]);
        await using var root = await VmPlantClient.ConnectAsync(certs.ClientConfig("root"), [node.Receptionist]);
        await WaitForPlantsAsync(alice, 3);
        var first = Assert.IsType<VmCreated>(await alice.AskAsync(new CreateVm("owned-1", Spec("owned1")))).Vm;
        var second = Assert.IsType<VmCreated>(await alice.AskAsync(new CreateVm("owned-2", Spec("owned2")))).Vm;
        Assert.Equal("alice", Assert.IsType<VmInfo>(await bob.AskAsync(new ShowVm(first.VmId))).Owner);

        // Bob may look but not touch; a request claiming to be root without root's signature does not get through either.
        Assert.Contains("belongs to alice", Assert.IsType<RequestRejected>(await bob.AskAsync(new DestroyVm(first.VmId))).Reason);
        Assert.Contains("belongs to alice", Assert.IsType<RequestRejected>(await bob.AskAsync(
            new ConfigureVm("owned-cfg", first.VmId, [new ActionSpec("extra", "set-property", ImmutableSortedDictionary<string, string>.Empty.Add("key", "x"), [], 1)]))).Reason);
        using (var forger = Attackers.Create("forger", "remote", TestCertificates.Load(certs.Vmplant, "bob")))
        {
            var client = Attackers.ClusterClientTo(forger, node.Receptionist.Replace("akka.tcp://", "akka.ssl.tcp://"));
            var answer = await client.Ask(new ClusterClient.Send(EdgeNode.GatePath, new DestroyVm(first.VmId) { Caller = new Caller("root", true) }), Patience);
            Assert.Contains("must be signed", Assert.IsType<RequestRejected>(answer).Reason);
        }
        Assert.Equal(VmState.Running, Assert.IsType<VmInfo>(await alice.AskAsync(new ShowVm(first.VmId))).State);

        // The owner and an operator may.
        Assert.IsType<VmDestroyed>(await alice.AskAsync(new DestroyVm(first.VmId)));
        Assert.IsType<VmDestroyed>(await root.AskAsync(new DestroyVm(second.VmId)));

        // The clients' reachability probes completed real handshakes: the node logged no failed one for honest clients.
        Assert.DoesNotContain(node.LogLines(), l => l.Contains("TLS handshake failed", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_sample_client_works_over_TLS_with_a_client_certificate_and_signed_requests()
    {
        var certs = new TestCertificates(Path.Combine(_data.Path, "certs"));
        certs.Vmplant.Issue("n1", [PeerCertificates.NodeRole], TimeSpan.FromDays(1));
        certs.Vmplant.Issue("carol", [PeerCertificates.ClientRole], TimeSpan.FromDays(1));
        await using var node = await StartNodeAsync("n1", certs.NodeEnvironment("n1"));
        await using (var probe = await VmPlantClient.ConnectAsync(certs.ClientConfig("carol"), [node.Receptionist]))
            await WaitForPlantsAsync(probe, 3);

        var tfm = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var sample = Path.Combine(RepoPaths.Root, "samples", "VMPlant.SampleClient", "bin", tfm.Parent!.Name, tfm.Name, "VMPlant.SampleClient.dll");
        var info = new System.Diagnostics.ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { sample, Path.Combine(RepoPaths.Examples, "debian-mpi.conf"), node.Receptionist.Replace("akka.tcp://", "akka.ssl.tcp://") })
            info.ArgumentList.Add(arg);
        info.Environment["VMPLANT_TLS_CA"] = certs.Vmplant.CaCertificate;
        info.Environment["VMPLANT_CLIENT_CERTIFICATE"] = certs.Vmplant.CertificateOf("carol");
        info.Environment["VMPLANT_CLIENT_PRIVATE_KEY"] = certs.Vmplant.KeyOf("carol");
        info.Environment["VMPLANT_TLS_PASSWORD_FILE"] = certs.Vmplant.PasswordFile;
        using var client = System.Diagnostics.Process.Start(info)!;
        var stdout = client.StandardOutput.ReadToEndAsync();
        var stderr = client.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(Patience);
        await client.WaitForExitAsync(deadline.Token);
        var text = await stdout;
        output.Echo(text);
        output.Echo(await stderr);
        Assert.Equal(0, client.ExitCode);
        Assert.Contains("destroyed ", text);
    }

    [Fact]
    public async Task Outsiders_poison_pills_and_direct_destroys_reach_neither_plants_nor_shop()
    {
        await using var node = await StartNodeAsync("node", new Dictionary<string, string>());
        await using var client = await VmPlantClient.ConnectAsync(VMPlant.Host.Configuration.NodeConfig.Load(), [node.Receptionist]);
        await WaitForPlantsAsync(client, 3);
        var vm = Assert.IsType<VmCreated>(await client.AskAsync(new CreateVm("trust-1", Spec("victim")))).Vm;
        var before = Assert.IsType<PlantList>(await client.AskAsync(ListPlants.Instance)).Plants;

        using var outsider = Attackers.Create("outsider", "remote", certificate: null);
        var at = node.Address;
        foreach (var plant in before.Select(p => p.Plant))
        {
            outsider.ActorSelection($"{at}/user/plant-{plant}").Tell(new DestroyVm(vm.VmId));
            outsider.ActorSelection($"{at}/user/plant-{plant}/plant").Tell(new DestroyVm(vm.VmId));
            outsider.ActorSelection($"{at}/user/plant-{plant}").Tell(PoisonPill.Instance);
            outsider.ActorSelection($"{at}/user/plant-{plant}/plant").Tell(PoisonPill.Instance);
        }
        outsider.ActorSelection($"{at}/user/shop-singleton/shop").Tell(PoisonPill.Instance);
        outsider.ActorSelection($"{at}/user/shop-singleton/shop/shop").Tell(PoisonPill.Instance);
        outsider.ActorSelection($"{at}/user/shop-proxy").Tell(PoisonPill.Instance);
        // Through the edge's receptionist, the only door clients have: a PoisonPill for the gate itself.
        var viaEdge = Attackers.ClusterClientTo(outsider, node.Receptionist);
        viaEdge.Tell(new ClusterClient.Send(EdgeNode.GatePath, PoisonPill.Instance));

        // Messages on one association arrive in order: once a later selection is answered, the attacks were handled.
        var identity = await outsider.ActorSelection($"{at}/system/cluster/core/daemon").Ask<ActorIdentity>(new Identify("barrier"), Patience);
        Assert.NotNull(identity.Subject);
        await WaitForLogAsync(node, l => l.Contains("the client gate stopped", StringComparison.Ordinal));

        // Every plant is still registered with its VMs, the VM still runs, and the shop (through a new gate) still creates.
        var after = Assert.IsType<PlantList>(await client.AskAsync(ListPlants.Instance)).Plants;
        Assert.Equal(before.Select(p => (p.Plant, p.Vms)).OrderBy(p => p.Plant), after.Select(p => (p.Plant, p.Vms)).OrderBy(p => p.Plant));
        Assert.Equal(VmState.Running, Assert.IsType<VmInfo>(await client.AskAsync(new ShowVm(vm.VmId))).State);
        Assert.IsType<VmCreated>(await client.AskAsync(new CreateVm("trust-2", Spec("after"))));
        Assert.DoesNotContain(node.LogLines(), l => l.Contains(ShopActor.StoppedMarker, StringComparison.Ordinal));
    }

    private static VmSpec Spec(string name) =>
        VmSpecParser.ParseFile(Path.Combine(RepoPaths.Examples, "debian-mpi.conf")) with { Name = name, Resources = new Resources(1, 512, 2) };

    private async Task<VmInfo> CreateAsync(TestCertificates certs, NodeProcess node, string client)
    {
        await using var connection = await VmPlantClient.ConnectAsync(certs.ClientConfig(client), [node.Receptionist]);
        return Assert.IsType<VmCreated>(await connection.AskAsync(new CreateVm($"trust-{client}", Spec(client)))).Vm;
    }

    private async Task<NodeProcess> StartNodeAsync(string name, IReadOnlyDictionary<string, string> environment)
    {
        var dataDir = Path.Combine(_data.Path, name);
        var node = NodeProcess.Start(name, "127.0.0.1", FreePort.Next(), roles: null, dataDir, configFile: null, environment,
            logFile: Path.Combine(_data.Path, name + ".log"), echo: line => output.Echo($"[{name}] {line}"));
        try
        {
            await node.WaitListeningAsync(Patience);
            return node;
        }
        catch
        {
            await node.DisposeAsync();
            throw;
        }
    }

    private static async Task WaitForPlantsAsync(VmPlantClient client, int expected)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            var answer = await client.AskAsync(ListPlants.Instance);
            if (answer is PlantList list && list.Plants.Count(p => p.HypervisorUp) == expected) return;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"plants not registered: {answer}");
            await Task.Delay(200);
        }
    }

    private static async Task WaitForLogAsync(NodeProcess node, Func<string, bool> line)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!node.LogLines().Any(line))
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"node {node.Name} never logged the expected line");
            await Task.Delay(100);
        }
    }

    private static void AssertNeverJoined(NodeProcess node, Akka.Actor.Address intruder) =>
        Assert.DoesNotContain(node.LogLines(), l => l.Contains(intruder.ToString(), StringComparison.Ordinal)
                                                   && l.Contains("JOINING", StringComparison.OrdinalIgnoreCase));

    public void Dispose() => _data.Dispose();
}
