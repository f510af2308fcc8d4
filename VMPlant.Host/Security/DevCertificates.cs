using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace VMPlant.Host.Security;

/// <summary>
/// A development CA and the certificates it issues (ECDSA P-256, PEM): one per node (role <c>node</c>) and per client
/// (role <c>client</c>, plus <c>operator</c> for operators). Private keys are PKCS#8, encrypted with the password kept
/// in DIR/password (created with random content, mode 0600, on first use). An existing CA in the directory is reused,
/// so certificates can be added later. For real deployments use your own CA; the file layout is the same.
/// </summary>
public sealed class DevCertificates(string directory)
{
    public string Directory { get; } = Path.GetFullPath(directory);

    public string CaCertificate => Path.Combine(Directory, "ca.crt");

    public string CaKey => Path.Combine(Directory, "ca.key");

    public string PasswordFile => Path.Combine(Directory, "password");

    public string CertificateOf(string name) => Path.Combine(Directory, name + ".crt");

    public string KeyOf(string name) => Path.Combine(Directory, name + ".key");

    /// <summary>Creates the CA when absent; returns the files written.</summary>
    public IReadOnlyList<string> EnsureAuthority(TimeSpan validity)
    {
        System.IO.Directory.CreateDirectory(Directory);
        var written = new List<string>();
        if (!File.Exists(PasswordFile))
        {
            WriteSecret(PasswordFile, Convert.ToHexString(RandomNumberGenerator.GetBytes(24)).ToLowerInvariant());
            written.Add(PasswordFile);
        }
        if (File.Exists(CaCertificate) && File.Exists(CaKey)) return written;
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var name = new X500DistinguishedNameBuilder();
        name.AddOrganizationName("VMPlant");
        name.AddCommonName("VMPlant development CA");
        var request = new CertificateRequest(name.Build(), key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        using var ca = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow + validity);
        File.WriteAllText(CaCertificate, ca.ExportCertificatePem() + "\n");
        WriteSecret(CaKey, EncryptedKey(key));
        written.Add(CaCertificate);
        written.Add(CaKey);
        return written;
    }

    /// <summary>Issues NAME.crt / NAME.key with common name <paramref name="name"/> and the given roles (OUs).</summary>
    public IReadOnlyList<string> Issue(string name, IReadOnlyList<string> roles, TimeSpan validity, IReadOnlyList<string>? dnsNames = null)
    {
        if (name.Length == 0 || name.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')))
            throw new ArgumentException($"certificate name '{name}' must be letters, digits, '-', '_' or '.'");
        using var caKey = ECDsa.Create();
        caKey.ImportFromEncryptedPem(File.ReadAllText(CaKey), Password());
        using var caPublic = X509CertificateLoader.LoadCertificateFromFile(CaCertificate);
        using var ca = caPublic.CopyWithPrivateKey(caKey);

        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var subject = new X500DistinguishedNameBuilder();
        subject.AddOrganizationName("VMPlant");
        foreach (var role in roles) subject.AddOrganizationalUnitName(role);
        subject.AddCommonName(name);
        var request = new CertificateRequest(subject.Build(), key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        // Every Akka endpoint is both a TLS server (inbound associations) and a TLS client (outbound ones).
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(ca, true, false));
        var san = new SubjectAlternativeNameBuilder();
        foreach (var dns in (dnsNames ?? []).Append(name)) san.AddDnsName(dns);
        san.AddIpAddress(System.Net.IPAddress.Loopback);
        request.CertificateExtensions.Add(san.Build());
        var notAfter = DateTimeOffset.UtcNow + validity;
        if (notAfter > ca.NotAfter) notAfter = ca.NotAfter;
        using var issued = request.Create(ca, DateTimeOffset.UtcNow.AddMinutes(-5), notAfter, RandomNumberGenerator.GetBytes(16));
        File.WriteAllText(CertificateOf(name), issued.ExportCertificatePem() + "\n");
        WriteSecret(KeyOf(name), EncryptedKey(key));
        return [CertificateOf(name), KeyOf(name)];
    }

    private string Password() => File.ReadAllText(PasswordFile).TrimEnd('\r', '\n');

    private string EncryptedKey(ECDsa key) =>
        key.ExportEncryptedPkcs8PrivateKeyPem(Password(), new PbeParameters(PbeEncryptionAlgorithm.Aes256Cbc, HashAlgorithmName.SHA256, 100_000)) + "\n";

    private static void WriteSecret(string path, string content)
    {
        File.WriteAllText(path, "");
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.WriteAllText(path, content);
    }
}
