using System.Net;
using System.Net.Sockets;
using VMPlant.Host.Node;
using VMPlant.Tests.Support;
using Xunit;

namespace VMPlant.Tests.Host;

/// <summary>A second node on the same data directory, or on a taken port, is refused at once with a message that says why.</summary>
public sealed class DataDirectoryLockSpec : IDisposable
{
    private readonly TempDirectory _dir = new("vmplant-lock");

    [Fact]
    public void A_second_lock_on_a_data_directory_is_refused_until_the_first_is_released()
    {
        using (DataDirectoryLock.Acquire(_dir.Path))
        {
            var error = Assert.Throws<DataDirectoryInUseException>(() => DataDirectoryLock.Acquire(_dir.Path));
            Assert.Contains($"data directory {_dir.Path} is in use by another VMPlant node", error.Message);
            Assert.Contains("--data-dir", error.Message);
        }
        using var again = DataDirectoryLock.Acquire(_dir.Path);
    }

    [Fact]
    public void A_taken_port_fails_fast_naming_it()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            var error = Assert.Throws<PortInUseException>(() => PortCheck.EnsureFree("127.0.0.1", port));
            Assert.Contains($"port {port} on 127.0.0.1 is already in use", error.Message);
        }
        finally
        {
            listener.Stop();
        }
        PortCheck.EnsureFree("127.0.0.1", FreePort.Next());
    }

    public void Dispose() => _dir.Dispose();
}
