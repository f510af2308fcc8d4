using System.Collections.Immutable;
using System.Security.Cryptography.X509Certificates;
using VMPlant.Messages;

namespace VMPlant.Host.Security;

/// <summary>
/// The edge's check of who sends a request that changes a VM (create, configure, destroy). With TLS on, the request
/// must carry a <see cref="ClientCredential"/>: a certificate of VMPlant's CA with a client role and a fresh signature
/// by its key over the request; the verified name and operator role become the request's <see cref="Caller"/>. With
/// TLS off there is no CA to check against: every request is anonymous (and any caller a client claims is dropped).
/// </summary>
public sealed class ClientVerifier(X509Certificate2? authority, TimeSpan maxAge)
{
    private static readonly ImmutableHashSet<string> ClientRoles = [PeerCertificates.ClientRole, PeerCertificates.OperatorRole];

    /// <summary>The request as the shop should see it, or the reason it is refused.</summary>
    public (IVmPlantMessage? Request, string? Refusal) Verify(IAuthorizedRequest request, DateTimeOffset now)
    {
        if (authority is null) return ((IVmPlantMessage)request.WithCaller(null), null);
        if (request.Credential is not { } credential)
            return (null, "this request changes a VM, so it must be signed with a client certificate (vmplant.client.tls)");
        if (credential.VerifiedCertificate(request) is not { } certificate)
            return (null, "the request's signature does not verify with the certificate it carries");
        if (PeerCertificates.Check(certificate, authority, ClientRoles) is { } problem)
            return (null, $"client certificate {certificate.Subject}: {problem}");
        var age = now - DateTimeOffset.FromUnixTimeMilliseconds(credential.IssuedAtUnixMs);
        if (age.Duration() > maxAge)
            return (null, $"the request was signed {age.TotalMinutes:0.#} min from now (allowed: {maxAge.TotalMinutes:0.#} min): check the client's clock and send it again");
        var caller = new Caller(PeerCertificates.Name(certificate), PeerCertificates.Roles(certificate).Contains(PeerCertificates.OperatorRole));
        return ((IVmPlantMessage)request.WithCaller(caller), null);
    }

    public static string RequestKey(IAuthorizedRequest request) => request switch
    {
        CreateVm create => create.RequestId,
        ConfigureVm configure => configure.RequestId,
        DestroyVm destroy => destroy.VmId,
        _ => "",
    };
}
