using VMPlant.Host.Security;
using VMPlant.Tests.Support;
using Xunit;

namespace VMPlant.Tests.Trust;

/// <summary>The certificate check the TLS handshake runs: VMPlant's CA, validity, and the role the endpoint admits.</summary>
public sealed class PeerCertificatesSpec : IDisposable
{
    private readonly TempDirectory _dir = new("vmplant-certs");

    [Fact]
    public void Admits_a_certificate_of_the_ca_with_an_admitted_role_and_refuses_the_rest()
    {
        var certs = new TestCertificates(_dir.Path);
        certs.Vmplant.Issue("n1", [PeerCertificates.NodeRole], TimeSpan.FromDays(1));
        certs.Vmplant.Issue("bob", [PeerCertificates.ClientRole, PeerCertificates.OperatorRole], TimeSpan.FromDays(1));
        certs.Foreign.Issue("rogue", [PeerCertificates.NodeRole], TimeSpan.FromDays(1));
        var ca = System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadCertificateFromFile(certs.Vmplant.CaCertificate);
        var node = TestCertificates.Load(certs.Vmplant, "n1");
        var bob = TestCertificates.Load(certs.Vmplant, "bob");
        var rogue = TestCertificates.Load(certs.Foreign, "rogue");
        var nodes = new HashSet<string> { PeerCertificates.NodeRole };

        Assert.Null(PeerCertificates.Check(node, ca, nodes));
        Assert.Contains("not admitted", PeerCertificates.Check(bob, ca, nodes));
        Assert.Null(PeerCertificates.Check(bob, ca, new HashSet<string> { PeerCertificates.ClientRole }));
        Assert.Contains("not issued by the VMPlant CA", PeerCertificates.Check(rogue, ca, nodes));
        Assert.Equal("bob", PeerCertificates.Name(bob));
        Assert.Equal(new[] { "client", "operator" }, PeerCertificates.Roles(bob).Order());
    }

    [Fact]
    public void A_key_that_cannot_be_decrypted_is_a_configuration_error_naming_the_file()
    {
        var certs = new TestCertificates(_dir.Path);
        certs.Vmplant.Issue("n1", [PeerCertificates.NodeRole], TimeSpan.FromDays(1));
        var wrongPassword = Path.Combine(_dir.Path, "wrong");
        File.WriteAllText(wrongPassword, "not-the-password");
        var settings = new TlsSettings(true, certs.Vmplant.CaCertificate, certs.Vmplant.CertificateOf("n1"), certs.Vmplant.KeyOf("n1"), wrongPassword);
        var error = Assert.Throws<Akka.Configuration.ConfigurationException>(() => settings.Load());
        Assert.Contains(certs.Vmplant.CertificateOf("n1"), error.Message);
    }

    public void Dispose() => _dir.Dispose();
}
