using System.Collections.Immutable;
using System.Security.Cryptography.X509Certificates;
using Akka.Event;
using Akka.Remote.Transport.DotNetty;

namespace VMPlant.Host.Security;

/// <summary>
/// What a peer's certificate must be: issued (directly or through intermediates it sends) by VMPlant's CA, within its
/// validity period, and carrying a role this endpoint admits. Roles are the certificate's organizational units (OU):
/// <see cref="NodeRole"/> for cluster members, <see cref="ClientRole"/> and <see cref="OperatorRole"/> for clients.
/// Host names are not checked: nodes are addressed by IP as often as by name, and a peer is identified by the CA and
/// its role, not by where it connects from.
/// </summary>
public static class PeerCertificates
{
    public const string NodeRole = "node";
    public const string ClientRole = "client";
    public const string OperatorRole = "operator";

    private const string OrganizationalUnitOid = "2.5.4.11";
    private const string CommonNameOid = "2.5.4.3";

    /// <summary>Null when <paramref name="certificate"/> is acceptable, else why not.</summary>
    public static string? Check(X509Certificate2 certificate, X509Certificate2 authority, IReadOnlySet<string>? roles)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(authority);
        // A development CA publishes no revocation lists; revocation is by re-issuing the CA (see README).
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (!chain.Build(certificate))
            return "not issued by the VMPlant CA or not valid now (" +
                   string.Join("; ", chain.ChainStatus.Select(s => s.StatusInformation.Trim()).Where(s => s.Length > 0).Distinct()) + ")";
        if (chain.ChainElements[^1].Certificate.Thumbprint != authority.Thumbprint)
            return "chains to a different root than the VMPlant CA";
        if (roles is not null && !Roles(certificate).Overlaps(roles))
            return $"role(s) [{string.Join(", ", Roles(certificate))}] not admitted here (needs one of: {string.Join(", ", roles)})";
        return null;
    }

    public static ImmutableHashSet<string> Roles(X509Certificate2 certificate) =>
        Attribute(certificate, OrganizationalUnitOid).ToImmutableHashSet();

    public static string Name(X509Certificate2 certificate) =>
        Attribute(certificate, CommonNameOid).FirstOrDefault() ?? certificate.Subject;

    private static IEnumerable<string> Attribute(X509Certificate2 certificate, string oid) =>
        from rdn in certificate.SubjectName.EnumerateRelativeDistinguishedNames()
        where rdn.GetSingleElementType().Value == oid
        select rdn.GetSingleElementValue() ?? "";

    /// <summary>
    /// The TLS handshake check for Akka's DotNetty transport (both directions: the server checks the client's
    /// certificate, the client the server's). It replaces Akka's default check, which trusts the operating
    /// system's CA store rather than VMPlant's CA.
    /// </summary>
    public static CertificateValidationCallback Admitting(X509Certificate2 authority, IReadOnlySet<string> roles) =>
        (certificate, _, remotePeer, _, log) =>
        {
            if (certificate is null)
            {
                log.Warning("TLS: refused {0}: it presented no certificate", remotePeer);
                return false;
            }
            if (Check(certificate, authority, roles) is not { } problem) return true;
            log.Warning("TLS: refused {0} ({1}): {2}", remotePeer, certificate.Subject, problem);
            return false;
        };
}
