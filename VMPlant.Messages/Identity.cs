using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Serialization;

namespace VMPlant.Messages;

/// <summary>
/// Who sent a request, as a node's edge verified it from the client's certificate (<see cref="ClientCredential"/>).
/// Only the edge sets it: whatever a client puts here is replaced. Null: an anonymous request (TLS off).
/// </summary>
public sealed record Caller(string Name, bool IsOperator);

/// <summary>
/// A client's proof of identity on a request that changes a VM: its certificate (base64 DER) and a signature with the
/// certificate's private key over what the request does (<see cref="IAuthorizedRequest.SigningText"/>) and when.
/// </summary>
public sealed record ClientCredential(string Certificate, long IssuedAtUnixMs, string Signature)
{
    /// <summary>Signs <paramref name="request"/> with <paramref name="certificate"/>'s private key (ECDSA or RSA).</summary>
    public static ClientCredential For(IAuthorizedRequest request, X509Certificate2 certificate, DateTimeOffset now)
    {
        var at = now.ToUnixTimeMilliseconds();
        var data = SignedBytes(request, at);
        byte[] signature;
        if (certificate.GetECDsaPrivateKey() is { } ec)
            using (ec) signature = ec.SignData(data, HashAlgorithmName.SHA256);
        else if (certificate.GetRSAPrivateKey() is { } rsa)
            using (rsa) signature = rsa.SignData(data, HashAlgorithmName.SHA256, RSASignaturePadding.Pss);
        else throw new ArgumentException($"certificate {certificate.Subject} has no ECDSA or RSA private key to sign with");
        return new ClientCredential(Convert.ToBase64String(certificate.RawData), at, Convert.ToBase64String(signature));
    }

    /// <summary>The certificate, or null when the signature over <paramref name="request"/> does not verify with its key.</summary>
    public X509Certificate2? VerifiedCertificate(IAuthorizedRequest request)
    {
        try
        {
            var certificate = X509CertificateLoader.LoadCertificate(Convert.FromBase64String(Certificate));
            var data = SignedBytes(request, IssuedAtUnixMs);
            var signature = Convert.FromBase64String(Signature);
            bool valid;
            if (certificate.GetECDsaPublicKey() is { } ec)
                using (ec) valid = ec.VerifyData(data, signature, HashAlgorithmName.SHA256);
            else if (certificate.GetRSAPublicKey() is { } rsa)
                using (rsa) valid = rsa.VerifyData(data, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pss);
            else valid = false;
            return valid ? certificate : null;
        }
        catch (Exception e) when (e is FormatException or CryptographicException)
        {
            return null;
        }
    }

    private static byte[] SignedBytes(IAuthorizedRequest request, long at) => Encoding.UTF8.GetBytes($"vmplant|{request.SigningText}|{at}");
}

/// <summary>A request that changes a VM and is therefore checked against the VM's owner.</summary>
public interface IAuthorizedRequest
{
    Caller? Caller { get; }

    ClientCredential? Credential { get; }

    /// <summary>What the credential's signature covers: the kind of change and the ids it names.</summary>
    [JsonIgnore]
    string SigningText { get; }

    /// <summary>The same request with the given caller and no credential (the edge's verdict replaces the proof).</summary>
    IAuthorizedRequest WithCaller(Caller? caller);

    /// <summary>The same request carrying <paramref name="credential"/>.</summary>
    IAuthorizedRequest WithCredential(ClientCredential credential);
}
