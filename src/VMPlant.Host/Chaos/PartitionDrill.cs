namespace VMPlant.Host.Chaos;

/// <summary>The partition drill: see <see cref="RunAsync"/>.</summary>
public sealed class PartitionDrill(ChaosOptions options, string work, ChaosReport report, Action<string> progress) : IAsyncDisposable
{
    public Task RunAsync()
    {
        _ = options;
        _ = work;
        progress("partition drill is not available yet");
        report.Problems.Add("the partition drill is not implemented in this build");
        return Task.CompletedTask;
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
