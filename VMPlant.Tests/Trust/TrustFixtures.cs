using System.Collections.Immutable;
using System.Security.Cryptography.X509Certificates;
using Akka.Actor;
using Akka.Actor.Setup;
using Akka.Cluster.Tools.Client;
using Akka.Configuration;
using Akka.Remote.Transport.DotNetty;
using VMPlant.Host.Configuration;
using VMPlant.Host.Security;

namespace VMPlant.Tests.Trust;

/// <summary>Certificates for trust tests: VMPlant's CA and a foreign one, each with the certificates it issued.</summary>
public sealed class TestCertificates
{
    public TestCertificates(string directory)
    {
        Vmplant = new DevCertificates(Path.Combine(directory, "vmplant"));
        Foreign = new DevCertificates(Path.Combine(directory, "foreign"));
        Vmplant.EnsureAuthority(TimeSpan.FromDays(2));
        Foreign.EnsureAuthority(TimeSpan.FromDays(2));
    }

    public DevCertificates Vmplant { get; }

    public DevCertificates Foreign { get; }

    /// <summary>The environment that turns TLS on for a node process with the certificate <paramref name="name"/> of VMPlant's CA.</summary>
    public IReadOnlyDictionary<string, string> NodeEnvironment(string name) => new Dictionary<string, string>
    {
        ["VMPLANT_TLS"] = "on",
        ["VMPLANT_TLS_CA"] = Vmplant.CaCertificate,
        ["VMPLANT_TLS_CERTIFICATE"] = Vmplant.CertificateOf(name),
        ["VMPLANT_TLS_PRIVATE_KEY"] = Vmplant.KeyOf(name),
        ["VMPLANT_TLS_PASSWORD_FILE"] = Vmplant.PasswordFile,
    };

    /// <summary>Client configuration (TLS on, VMPlant's CA) presenting the certificate <paramref name="name"/>.</summary>
    public Config ClientConfig(string name) => NodeConfig.Load(overrides:
    [
        "vmplant.tls.enabled = on",
        NodeConfig.Set("vmplant.tls.ca-certificate", Vmplant.CaCertificate),
        NodeConfig.Set("vmplant.tls.certificate", Vmplant.CertificateOf(name)),
        NodeConfig.Set("vmplant.tls.private-key", Vmplant.KeyOf(name)),
        NodeConfig.Set("vmplant.tls.password-file", Vmplant.PasswordFile),
        "vmplant.client.request-timeout = 60s",
        // A fresh client's first TLS round trip on a saturated test machine took more than the default 5 s.
        "vmplant.client.probe-timeout = 60s",
    ]);

    public static X509Certificate2 Load(DevCertificates authority, string name) =>
        new TlsSettings(true, authority.CaCertificate, authority.CertificateOf(name), authority.KeyOf(name), authority.PasswordFile).Load().Own;
}

/// <summary>
/// Actor systems an attacker would build: any certificate, a TLS check that accepts every peer (so that the refusal
/// observed is the node's), remote or cluster provider.
/// </summary>
public static class Attackers
{
    public static ActorSystem Create(string name, string provider, X509Certificate2? certificate)
    {
        var ssl = certificate is null ? "off" : "on";
        var config = ConfigurationFactory.ParseString($$"""
            akka.actor.provider = {{provider}}
            akka.remote.dot-netty.tcp { hostname = "127.0.0.1", port = 0, enable-ssl = {{ssl}} }
            akka.remote.untrusted-mode = off
            akka.cluster.seed-nodes = []
            akka.loglevel = WARNING
            """).WithFallback(NodeConfig.Load());
        if (certificate is null) return ActorSystem.Create(name, config);
        var acceptAnything = new DotNettySslSetup(certificate, false, true, false, (_, _, _, _, _) => true);
        return ActorSystem.Create(name, BootstrapSetup.Create().WithConfig(config).And(acceptAnything));
    }

    public static IActorRef ClusterClientTo(ActorSystem system, string receptionist) =>
        system.ActorOf(ClusterClient.Props(ClusterClientSettings.Create(system)
            .WithInitialContacts(ImmutableHashSet.Create(ActorPath.Parse(receptionist)))));
}
