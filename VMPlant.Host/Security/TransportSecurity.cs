using Akka.Actor;
using Akka.Actor.Setup;
using Akka.Configuration;
using Akka.Remote.Transport.DotNetty;

namespace VMPlant.Host.Security;

/// <summary>
/// Starts actor systems with or without TLS on remoting, as vmplant.tls says. With TLS, Akka's DotNetty transport
/// runs mutual TLS (both ends present a certificate) and every handshake goes through
/// <see cref="PeerCertificates.Admitting"/> with the roles this endpoint admits.
/// </summary>
public static class TransportSecurity
{
    public static ActorSystem CreateSystem(string name, Config config, IReadOnlySet<string> admittedRoles)
    {
        var tls = TlsSettings.Read(config);
        if (!tls.Enabled) return ActorSystem.Create(name, config);
        var (own, authority) = tls.Load();
        var ssl = new DotNettySslSetup(own, suppressValidation: false, requireMutualAuthentication: true,
            validateCertificateHostname: false, PeerCertificates.Admitting(authority, admittedRoles));
        var withSsl = ConfigurationFactory.ParseString("akka.remote.dot-netty.tcp.enable-ssl = on").WithFallback(config);
        return ActorSystem.Create(name, BootstrapSetup.Create().WithConfig(withSsl).And(ssl));
    }

    /// <summary>
    /// Addresses in configuration (seeds, contact points) may be written akka.tcp://; with TLS on, the transport's
    /// addresses are akka.ssl.tcp://, so they are rewritten to match (and back, with TLS off).
    /// </summary>
    public static string WithProtocol(string address, Config config)
    {
        var protocol = TlsSettings.Read(config).Protocol;
        var schemeEnd = address.IndexOf("://", StringComparison.Ordinal);
        if (schemeEnd < 0 || address[..schemeEnd] is not ("akka.tcp" or "akka.ssl.tcp")) return address;
        return protocol + address[schemeEnd..];
    }
}
