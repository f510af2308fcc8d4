using VMPlant.Libvirt;
using Xunit;

namespace VMPlant.Tests.RealVm;

/// <summary>
/// A fact that needs a real hypervisor: libvirtd on qemu:///system, qemu-storage-daemon with /dev/fuse, and the base
/// images (test.sh builds them). Skipped with the reason on one line only when one of those truly cannot be had.
/// </summary>
public sealed class RealVmFactAttribute : FactAttribute
{
    public RealVmFactAttribute()
    {
        if (RealVmHost.UnavailableReason is { } reason)
            Skip = $"real VMs unavailable: {reason}";
    }
}

/// <summary>What a real-VM test needs from this machine, checked once per test run.</summary>
public static class RealVmHost
{
    public static string ImageDir { get; } =
        Environment.GetEnvironmentVariable("VMPLANT_IMAGE_DIR") is { Length: > 0 } dir ? dir : "/var/cache/vmplant/images/current";

    private static readonly Lazy<string?> Reason = new(Probe);

    public static string? UnavailableReason => Reason.Value;

    private static string? Probe()
    {
        foreach (var file in new[] { "vmlinuz", "initrd.img", "busybox.qcow2", "debian-12.qcow2" })
            if (!File.Exists(Path.Combine(ImageDir, file)))
                return $"{Path.Combine(ImageDir, file)} missing (test.sh builds the base images with guest/build-images.sh)";
        if (!File.Exists("/dev/fuse")) return "/dev/fuse missing (offline disk access needs FUSE)";
        if (!new[] { "/usr/bin/qemu-storage-daemon", "/usr/bin/qemu-system-x86_64" }.All(File.Exists)) return "QEMU is not installed";
        try
        {
            using var connection = LibvirtConnection.Open("qemu:///system");
            return connection.IsAlive() ? null : "qemu:///system connection is not alive";
        }
        catch (LibvirtException e)
        {
            return $"libvirtd not reachable at qemu:///system: {e.Message.Split('\n')[0]}";
        }
    }
}
