using System.Security.Cryptography.X509Certificates;
using Akka.Configuration;

namespace VMPlant.Host.Security;

/// <summary>
/// vmplant.tls: whether remoting runs over TLS, this process's certificate and private key (PEM files), the CA every
/// peer's certificate must chain to, and where the key's password comes from. The password is never a HOCON value:
/// it is read from <see cref="PasswordVariable"/> or from the file named by <c>password-file</c>.
/// </summary>
public sealed record TlsSettings(bool Enabled, string CaCertificate, string Certificate, string PrivateKey, string? PasswordFile)
{
    public const string PasswordVariable = "VMPLANT_TLS_PASSWORD";

    public static readonly TlsSettings Disabled = new(false, "", "", "", null);

    /// <summary>Address scheme of the remoting transport: Akka names TLS-wrapped TCP "ssl.tcp".</summary>
    public string Protocol => Enabled ? "akka.ssl.tcp" : "akka.tcp";

    public static TlsSettings Read(Config config)
    {
        var tls = config.GetConfig("vmplant.tls");
        if (tls is null || !tls.GetBoolean("enabled", false)) return Disabled;
        // With a directory (as `vmplant certs` writes it), unset paths default to DIR/ca.crt, DIR/HOSTNAME.crt and .key, DIR/password.
        var directory = tls.GetString("directory", "") ?? "";
        var self = config.GetString("vmplant.node.hostname", "");
        string Path(string key, string inDirectory) =>
            tls.GetString(key, "") is { Length: > 0 } given ? given : directory.Length > 0 ? System.IO.Path.Combine(directory, inDirectory) : "";
        var passwordFile = Path("password-file", "password");
        return new TlsSettings(true,
            RequiredFile("ca-certificate", Path("ca-certificate", "ca.crt")),
            RequiredFile("certificate", Path("certificate", self + ".crt")),
            RequiredFile("private-key", Path("private-key", self + ".key")),
            passwordFile.Length == 0 || (directory.Length > 0 && !File.Exists(passwordFile) && tls.GetString("password-file", "") is not { Length: > 0 })
                ? null : ExistingFile("password-file", passwordFile));
    }

    /// <summary>Loads this process's certificate with its private key and the CA certificate; errors name the file at fault.</summary>
    public (X509Certificate2 Own, X509Certificate2 Authority) Load()
    {
        var password = Password();
        X509Certificate2 own;
        try
        {
            using var pem = password is null
                ? X509Certificate2.CreateFromPemFile(Certificate, PrivateKey)
                : X509Certificate2.CreateFromEncryptedPemFile(Certificate, password, PrivateKey);
            // Re-imported through PKCS#12 so the TLS stack gets a key it can use on every platform.
            own = X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
        }
        catch (Exception e) when (e is System.Security.Cryptography.CryptographicException or ArgumentException)
        {
            throw new ConfigurationException(
                $"vmplant.tls: cannot load certificate {Certificate} with key {PrivateKey}" +
                (password is null ? $" (no password given: set {PasswordVariable} or vmplant.tls.password-file if the key is encrypted)" : "") +
                $": {e.Message}");
        }
        X509Certificate2 authority;
        try
        {
            authority = X509CertificateLoader.LoadCertificateFromFile(CaCertificate);
        }
        catch (System.Security.Cryptography.CryptographicException e)
        {
            throw new ConfigurationException($"vmplant.tls.ca-certificate: cannot read {CaCertificate}: {e.Message}");
        }
        if (PeerCertificates.Check(own, authority, roles: null) is { } problem)
            throw new ConfigurationException($"vmplant.tls.certificate: {Certificate} is not usable with CA {CaCertificate}: {problem}");
        return (own, authority);
    }

    private string? Password()
    {
        var fromEnvironment = Environment.GetEnvironmentVariable(PasswordVariable);
        if (!string.IsNullOrEmpty(fromEnvironment)) return fromEnvironment;
        return PasswordFile is null ? null : File.ReadAllText(PasswordFile).TrimEnd('\r', '\n');
    }

    private static string RequiredFile(string key, string path)
    {
        if (path.Length == 0) throw new ConfigurationException($"vmplant.tls.{key} (or vmplant.tls.directory) is required when vmplant.tls.enabled = on");
        return ExistingFile(key, path);
    }

    private static string ExistingFile(string key, string path)
    {
        var full = System.IO.Path.GetFullPath(path);
        if (!File.Exists(full)) throw new ConfigurationException($"vmplant.tls.{key}: {full} does not exist");
        return full;
    }
}
