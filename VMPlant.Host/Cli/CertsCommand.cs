using System.CommandLine;
using System.Security.Cryptography;
using System.Text.Json;
using VMPlant.Host.Security;

namespace VMPlant.Host.Cli;

/// <summary>`certs`: a development CA and node / client certificates for TLS on remoting (see README, "Trust").</summary>
public static class CertsCommand
{
    public static Command Create()
    {
        var output = new Option<string>("--out", "-o") { Description = "Directory for the CA, certificates, keys and the key password", DefaultValueFactory = _ => "certs" };
        var nodes = new Option<string[]>("--node") { Description = "Issue a node (cluster member) certificate with this name (repeatable)" };
        var clients = new Option<string[]>("--client") { Description = "Issue a client certificate with this name (repeatable)" };
        var operators = new Option<string[]>("--operator") { Description = "Issue a client certificate with the operator role (repeatable)" };
        var days = new Option<int>("--days") { Description = "Validity of new certificates in days", DefaultValueFactory = _ => 365 };
        var certs = new Command("certs", "Create a development CA (once) and issue node and client certificates") { output, nodes, clients, operators, days };
        certs.SetAction(parse =>
        {
            var validity = TimeSpan.FromDays(parse.GetValue(days));
            var files = new List<string>();
            try
            {
                if (validity <= TimeSpan.Zero) throw new ArgumentException("--days must be at least 1");
                var ca = new DevCertificates(parse.GetValue(output)!);
                files.AddRange(ca.EnsureAuthority(validity * 5));
                foreach (var n in parse.GetValue(nodes) ?? []) files.AddRange(ca.Issue(n, [PeerCertificates.NodeRole], validity));
                foreach (var c in parse.GetValue(clients) ?? []) files.AddRange(ca.Issue(c, [PeerCertificates.ClientRole], validity));
                foreach (var o in parse.GetValue(operators) ?? [])
                    files.AddRange(ca.Issue(o, [PeerCertificates.ClientRole, PeerCertificates.OperatorRole], validity));
            }
            catch (Exception e) when (e is ArgumentException or IOException or UnauthorizedAccessException or CryptographicException)
            {
                Console.Error.WriteLine($"error: {e.Message}");
                return ExitCodes.BadInput;
            }
            if (parse.GetValue(CommonOptions.Json)) Console.WriteLine(JsonSerializer.Serialize(new { written = files }));
            else foreach (var f in files) Console.WriteLine($"wrote {f}");
            return ExitCodes.Ok;
        });
        return certs;
    }
}
