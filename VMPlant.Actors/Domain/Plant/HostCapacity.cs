using VMPlant.Messages;

namespace VMPlant.Actors.Domain;

/// <summary>What a host offers in total (after overcommit and host reserve) and what is promised to VMs.</summary>
public sealed record HostCapacity(Resources Total, Resources Reserved)
{
    public Resources Free => new(
        Total.Vcpus - Reserved.Vcpus,
        Total.MemoryMiB - Reserved.MemoryMiB,
        Total.DiskGiB - Reserved.DiskGiB);

    public bool Fits(Resources need, out string reason)
    {
        var free = Free;
        reason = need.Vcpus > free.Vcpus ? $"not enough vCPUs: needs {need.Vcpus}, {free.Vcpus} free of {Total.Vcpus}"
            : need.MemoryMiB > free.MemoryMiB ? $"not enough memory: needs {need.MemoryMiB} MiB, {free.MemoryMiB} MiB free of {Total.MemoryMiB} MiB"
            : need.DiskGiB > free.DiskGiB ? $"not enough disk: needs {need.DiskGiB} GiB, {free.DiskGiB} GiB free of {Total.DiskGiB} GiB"
            : "";
        return reason.Length == 0;
    }

    /// <summary>The largest fraction of any resource in use once <paramref name="need"/> is placed (0..1).</summary>
    public double UtilisationAfter(Resources need) => new[]
    {
        Fraction(Reserved.Vcpus + need.Vcpus, Total.Vcpus),
        Fraction(Reserved.MemoryMiB + need.MemoryMiB, Total.MemoryMiB),
        Fraction(Reserved.DiskGiB + need.DiskGiB, Total.DiskGiB),
    }.Max();

    private static double Fraction(double used, double total) => total <= 0 ? 1 : Math.Clamp(used / total, 0, 1);
}
