namespace VMPlant.Libvirt;

/// <summary>What <see cref="DomainXml.Build"/> turns into a libvirt domain definition.</summary>
/// <param name="Name">Must pass <see cref="LibvirtNames.IsSafe"/>.</param>
/// <param name="DiskPath">The single virtio disk's image file, e.g. <see cref="StorageVolume.Path"/>.</param>
/// <param name="DiskFormat">qemu image format of the disk: "qcow2" or "raw".</param>
/// <param name="DomainType">"test" for the in-process test driver, "qemu" (TCG) or "kvm".</param>
/// <param name="MetadataXml">One XML element stored as the domain's metadata, readable later with
/// <see cref="LibvirtDomain.GetMetadata"/>; its unqualified elements are put into <paramref name="MetadataNamespace"/>.</param>
/// <param name="MetadataNamespace">Required with <paramref name="MetadataXml"/>.</param>
/// <param name="KernelPath">Direct kernel boot: the host path of the kernel image.</param>
/// <param name="InitrdPath">Initial ramdisk; only with <paramref name="KernelPath"/>.</param>
/// <param name="KernelArgs">Kernel command line; only with <paramref name="KernelPath"/>.</param>
/// <param name="SerialLogPath">Host file the guest's first serial port (its console) is written to.</param>
/// <param name="DestroyOnExit">A guest that powers off, reboots or crashes is stopped for good (on_poweroff, on_reboot,
/// on_crash = destroy), so its owner sees it stop instead of a boot loop.</param>
public sealed record DomainDefinition(
    string Name,
    int Vcpus,
    long MemoryMiB,
    string DiskPath,
    string DiskFormat = "qcow2",
    string DomainType = "test",
    string? MetadataXml = null,
    string? MetadataNamespace = null,
    string? KernelPath = null,
    string? InitrdPath = null,
    string? KernelArgs = null,
    string? SerialLogPath = null,
    bool DestroyOnExit = false);
