namespace VMPlant.Tests.Support;

/// <summary>A directory under /tmp that lives as long as the test.</summary>
public sealed class TempDirectory : IDisposable
{
    public TempDirectory(string prefix = "vmplant-test")
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"{prefix}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A process still holding a file: /tmp is cleaned by the OS eventually.
        }
    }
}
