namespace VMPlant.Host.Node;

/// <summary>
/// Holds an exclusive lock on a node's data directory for as long as the node runs, so a second node cannot
/// recover (and then write) the same journal. The lock is an flock on <c>vmplant.lock</c>, which the kernel
/// releases when the process dies, so a crash never leaves a stale lock behind.
/// </summary>
public sealed class DataDirectoryLock : IDisposable
{
    public const string FileName = "vmplant.lock";

    private readonly FileStream _file;

    private DataDirectoryLock(FileStream file) => _file = file;

    /// <exception cref="DataDirectoryInUseException">Another process (or node in this process) holds the directory.</exception>
    public static DataDirectoryLock Acquire(string dataDir)
    {
        Directory.CreateDirectory(dataDir);
        var path = Path.Combine(dataDir, FileName);
        try
        {
            // FileShare.None takes an exclusive, non-blocking flock on Unix.
            var file = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            file.SetLength(0);
            var owner = System.Text.Encoding.UTF8.GetBytes($"{Environment.ProcessId}\n");
            file.Write(owner);
            file.Flush();
            return new DataDirectoryLock(file);
        }
        catch (IOException)
        {
            throw new DataDirectoryInUseException(
                $"data directory {dataDir} is in use by another VMPlant node{Owner(path)} (lock file {path}); " +
                "stop that node, or give this one its own directory with --data-dir");
        }
    }

    private static string Owner(string path)
    {
        try
        {
            using var reader = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            var text = new StreamReader(reader).ReadLine()?.Trim();
            return int.TryParse(text, out var pid) ? $" (process {pid})" : "";
        }
        catch (IOException)
        {
            return "";
        }
    }

    public void Dispose() => _file.Dispose();
}

public sealed class DataDirectoryInUseException(string message) : Exception(message);
