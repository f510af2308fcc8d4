using System.Diagnostics;
using System.Diagnostics.Metrics;
using VMPlant.Actors.Diagnostics;

namespace VMPlant.Bench;

/// <summary>
/// What a measured window cost this process: CPU time, bytes written (write syscalls and what reached the block layer,
/// from /proc/self/io), events journaled by shop and plants, and test-driver host saves with their bytes — so a
/// throughput row can say what limits it per create. Only this process counts (the cluster's members are not in it).
/// </summary>
public sealed class CostMeter : IDisposable
{
    private readonly MeterListener _listener = new();
    private long _shopEvents, _plantEvents, _hostSaves, _hostBytes;

    public CostMeter()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == VmPlantMetrics.MeterName && instrument.Name is "vmplant.journal.events" or "vmplant.testnode.saves" or "vmplant.testnode.saved_bytes")
                listener.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            switch (instrument.Name)
            {
                case "vmplant.journal.events":
                    foreach (var tag in tags)
                        if (tag.Key == "actor")
                            Interlocked.Add(ref tag.Value as string == "shop" ? ref _shopEvents : ref _plantEvents, value);
                    break;
                case "vmplant.testnode.saves":
                    Interlocked.Add(ref _hostSaves, value);
                    break;
                case "vmplant.testnode.saved_bytes":
                    Interlocked.Add(ref _hostBytes, value);
                    break;
            }
        });
        _listener.Start();
    }

    public CostSample Sample()
    {
        var (written, stored) = ReadIo();
        using var process = Process.GetCurrentProcess();
        return new CostSample(process.TotalProcessorTime.TotalMilliseconds, written, stored,
            Interlocked.Read(ref _shopEvents), Interlocked.Read(ref _plantEvents), Interlocked.Read(ref _hostSaves), Interlocked.Read(ref _hostBytes),
            System.Runtime.JitInfo.GetCompilationTime(currentThread: false).TotalMilliseconds, System.Runtime.JitInfo.GetCompiledMethodCount(currentThread: false));
    }

    /// <summary>Bytes passed to write syscalls (wchar) and bytes sent to storage (write_bytes); 0 where /proc is missing.</summary>
    private static (long Written, long Stored) ReadIo()
    {
        try
        {
            var fields = File.ReadAllLines("/proc/self/io").Select(l => l.Split(':', 2)).ToDictionary(p => p[0], p => long.Parse(p[1].Trim()));
            return (fields.GetValueOrDefault("wchar"), fields.GetValueOrDefault("write_bytes"));
        }
        catch (IOException)
        {
            return (0, 0);
        }
    }

    public void Dispose() => _listener.Dispose();
}

public sealed record CostSample(double CpuMs, long WrittenBytes, long StoredBytes, long ShopEvents, long PlantEvents, long HostSaves, long HostBytes,
    double JitMs, long JitMethods)
{
    /// <summary>Costs per create between <paramref name="from"/> and this sample.</summary>
    public CreateCosts PerCreate(CostSample from, int creates)
    {
        double Per(double v) => creates > 0 ? v / creates : double.NaN;
        return new CreateCosts(Per(CpuMs - from.CpuMs), Per(ShopEvents - from.ShopEvents), Per(PlantEvents - from.PlantEvents),
            Per(HostSaves - from.HostSaves), Per(HostBytes - from.HostBytes), Per(WrittenBytes - from.WrittenBytes), Per(StoredBytes - from.StoredBytes),
            Per(JitMs - from.JitMs), JitMethods - from.JitMethods);
    }
}

/// <summary>
/// Per create, in the measured window (destroys and image publishes included): CPU ms, events, host saves, bytes, and the
/// JIT's share of the CPU (its compile time per create, with the methods it compiled in the whole window): a window that
/// starts before tiered compilation has settled measures warm-up, not the steady state.
/// </summary>
public sealed record CreateCosts(double CpuMs, double ShopEvents, double PlantEvents, double HostSaves, double HostSaveBytes, double WrittenBytes, double StoredBytes,
    double JitMs, long JitMethods);
