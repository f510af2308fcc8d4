using System.Security.Cryptography.X509Certificates;
using VMPlant.Host.Security;
using VMPlant.Messages;
using VMPlant.Tests.Support;
using Xunit;

namespace VMPlant.Tests.Trust;

/// <summary>The edge's check of who sends a request that changes a VM: signature, CA, role, freshness.</summary>
public sealed class ClientVerifierSpec : IDisposable
{
    private readonly TempDirectory _dir = new("vmplant-verifier");
    private readonly TestCertificates _certs;
    private readonly ClientVerifier _verifier;
    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;

    public ClientVerifierSpec()
    {
        _certs = new TestCertificates(_dir.Path);
        _certs.Vmplant.Issue("alice", [PeerCertificates.ClientRole], TimeSpan.FromDays(1));
        _certs.Vmplant.Issue("root", [PeerCertificates.ClientRole, PeerCertificates.OperatorRole], TimeSpan.FromDays(1));
        _certs.Vmplant.Issue("n1", [PeerCertificates.NodeRole], TimeSpan.FromDays(1));
        _certs.Foreign.Issue("mallory", [PeerCertificates.ClientRole], TimeSpan.FromDays(1));
        _verifier = new ClientVerifier(X509CertificateLoader.LoadCertificateFromFile(_certs.Vmplant.CaCertificate), TimeSpan.FromMinutes(10));
    }

    private IAuthorizedRequest Signed(IAuthorizedRequest request, DevCertificates ca, string name, DateTimeOffset? at = null) =>
        request.WithCredential(ClientCredential.For(request, TestCertificates.Load(ca, name), at ?? Now));

    [Fact]
    public void A_signed_request_gets_the_certificates_name_and_roles_as_its_caller()
    {
        var (request, refusal) = _verifier.Verify(Signed(new DestroyVm("vm-1"), _certs.Vmplant, "alice"), Now);
        Assert.Null(refusal);
        var destroy = Assert.IsType<DestroyVm>(request);
        Assert.Equal(new Caller("alice", IsOperator: false), destroy.Caller);
        Assert.Null(destroy.Credential);
        var (asOperator, _) = _verifier.Verify(Signed(new DestroyVm("vm-1"), _certs.Vmplant, "root"), Now);
        Assert.Equal(new Caller("root", IsOperator: true), Assert.IsType<DestroyVm>(asOperator).Caller);
    }

    [Fact]
    public void Unsigned_forged_replayed_foreign_or_node_signed_requests_are_refused()
    {
        Assert.Contains("must be signed", _verifier.Verify(new DestroyVm("vm-1") { Caller = new Caller("root", true) }, Now).Refusal);
        // A signature for one VM does not destroy another.
        var forVm1 = Signed(new DestroyVm("vm-1"), _certs.Vmplant, "alice");
        var moved = new DestroyVm("vm-2") { Credential = forVm1.Credential };
        Assert.Contains("does not verify", _verifier.Verify(moved, Now).Refusal);
        Assert.Contains("not issued by the VMPlant CA", _verifier.Verify(Signed(new DestroyVm("vm-1"), _certs.Foreign, "mallory"), Now).Refusal);
        Assert.Contains("not admitted", _verifier.Verify(Signed(new DestroyVm("vm-1"), _certs.Vmplant, "n1"), Now).Refusal);
        Assert.Contains("min", _verifier.Verify(Signed(new DestroyVm("vm-1"), _certs.Vmplant, "alice", Now.AddHours(-1)), Now).Refusal);
    }

    [Fact]
    public void Without_TLS_every_request_is_anonymous_whatever_caller_it_claims()
    {
        var open = new ClientVerifier(authority: null, TimeSpan.FromMinutes(10));
        var (request, refusal) = open.Verify(new DestroyVm("vm-1") { Caller = new Caller("root", true) }, Now);
        Assert.Null(refusal);
        Assert.Null(Assert.IsType<DestroyVm>(request).Caller);
    }

    public void Dispose() => _dir.Dispose();
}
