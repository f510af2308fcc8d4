using System.Collections.Concurrent;
using System.Diagnostics;
using VMPlant.Actors.Diagnostics;
using VMPlant.Bench.Workloads;
using VMPlant.Messages;

namespace VMPlant.Bench;

/// <summary>
/// Closed-loop load: each of N workers creates a VM from the next workload request, waits for the answer, and
/// destroys its oldest VM once it holds more than a few, so the VM population (and each plant's host) stays bounded.
/// Records create latency (sent → answered), placement latency (sent → award decided) and destroy latency.
/// </summary>
public sealed class LoadDriver(IShopGateway shop, Workload workload, TraceRecorder? trace, string runId)
{
    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(30);
    private int _next;

    public sealed class Results
    {
        public ConcurrentBag<double> CreateMs { get; } = [];
        public ConcurrentBag<double> PlacementMs { get; } = [];
        public ConcurrentBag<double> DestroyMs { get; } = [];
        public ConcurrentBag<string> RequestIds { get; } = [];
        public ConcurrentQueue<string> FailureReasons { get; } = new();
        public int Creates;
        public int Destroys;
        public int Failures;
    }

    /// <summary>
    /// Runs <paramref name="workers"/> loops until <paramref name="until"/> or <paramref name="limit"/> creates; only
    /// operations after the first <paramref name="skip"/> creates that finish inside [measureFrom, until) are recorded.
    /// </summary>
    public async Task<Results> RunAsync(int workers, int keepPerWorker, int limit, int skip, DateTime measureFrom, DateTime until,
        Action<Results>? tick = null)
    {
        var results = new Results();
        using var ticker = new Timer(_ => tick?.Invoke(results), null, 500, 500);
        await Task.WhenAll(Enumerable.Range(0, workers).Select(_ => Task.Run(() => WorkerAsync(results, keepPerWorker, limit, skip, measureFrom, until))));
        // Each worker took one number past the limit before stopping: a later run goes on from the limit, ids contiguous.
        _next = Math.Min(_next, limit);
        return results;
    }

    private async Task WorkerAsync(Results results, int keep, int limit, int skip, DateTime measureFrom, DateTime until)
    {
        var live = new Queue<string>();
        var warm = false;
        while (DateTime.UtcNow < until)
        {
            var n = Interlocked.Increment(ref _next) - 1;
            if (n >= limit) break;
            warm = n >= skip;
            var request = workload.Requests[n % workload.Requests.Length];
            var requestId = $"{runId}-{n:D6}";
            var spec = request.Spec with { Resources = BenchNodeLayout.VmSize };
            var sent = Stopwatch.GetTimestamp();
            // Latencies count only requests sent inside the window: one sent while warming up (e.g. held while the
            // shop's plants register) would otherwise carry its wait into the percentiles.
            var sentInWindow = DateTime.UtcNow >= measureFrom;
            object answer;
            try
            {
                answer = await shop.AskAsync(new CreateVm(requestId, spec), AskTimeout);
            }
            catch (Exception e)
            {
                answer = e;
            }
            var answered = Stopwatch.GetTimestamp();
            var measured = warm && DateTime.UtcNow >= measureFrom && DateTime.UtcNow < until;
            if (answer is VmCreated created)
            {
                live.Enqueue(created.Vm.VmId);
                if (measured) Interlocked.Increment(ref results.Creates);
                if (measured && sentInWindow)
                {
                    results.CreateMs.Add(TraceRecorder.Milliseconds(answered - sent));
                    var decided = trace?.At(requestId, TracePoint.AwardDecided) ?? 0;
                    if (decided != 0) results.PlacementMs.Add(TraceRecorder.Milliseconds(decided - sent));
                    results.RequestIds.Add(requestId);
                }
            }
            else
            {
                Interlocked.Increment(ref results.Failures);
                if (results.FailureReasons.Count < 5) results.FailureReasons.Enqueue(Describe(answer));
            }

            while (live.Count > keep && DateTime.UtcNow < until)
            {
                var vmId = live.Dequeue();
                var start = Stopwatch.GetTimestamp();
                object destroyed;
                try
                {
                    destroyed = await shop.AskAsync(new DestroyVm(vmId), AskTimeout);
                }
                catch (Exception e)
                {
                    destroyed = e;
                }
                var done = Stopwatch.GetTimestamp();
                if (destroyed is VmDestroyed)
                {
                    if (warm && DateTime.UtcNow >= measureFrom && DateTime.UtcNow < until)
                    {
                        Interlocked.Increment(ref results.Destroys);
                        results.DestroyMs.Add(TraceRecorder.Milliseconds(done - start));
                    }
                }
                else
                {
                    Interlocked.Increment(ref results.Failures);
                    if (results.FailureReasons.Count < 5) results.FailureReasons.Enqueue(Describe(destroyed));
                }
            }
        }
    }

    private static string Describe(object answer) => answer switch
    {
        CreateVmFailed f => $"create failed: {f.Reason}",
        RequestRejected r => $"rejected: {r.Reason}",
        VmNotFound v => $"not found: {v.VmId}",
        Exception e => $"{e.GetType().Name}: {e.Message}",
        _ => answer.GetType().Name,
    };
}
