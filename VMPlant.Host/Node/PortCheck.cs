using System.Net;
using System.Net.Sockets;

namespace VMPlant.Host.Node;

/// <summary>Fails fast, naming the port, when a node's remoting port is already taken (Akka would retry binding quietly).</summary>
public static class PortCheck
{
    /// <exception cref="PortInUseException">Something already listens on the port.</exception>
    public static void EnsureFree(string hostname, int port)
    {
        if (port == 0) return;
        var addresses = IPAddress.TryParse(hostname, out var ip) ? [ip] : Dns.GetHostAddresses(hostname);
        foreach (var address in addresses)
        {
            var listener = new TcpListener(address, port);
            try
            {
                listener.Start();
            }
            catch (SocketException e) when (e.SocketErrorCode == SocketError.AddressAlreadyInUse)
            {
                throw new PortInUseException(
                    $"port {port} on {hostname} is already in use (another VMPlant node?); stop it, or pass --port (0 = any free port)");
            }
            finally
            {
                listener.Stop();
            }
        }
    }
}

public sealed class PortInUseException(string message) : Exception(message);
