using VMPlant.Libvirt.Qemu;

namespace VMPlant.Actors.Plant;

/// <summary>A plant that boots real guests (backend = qemu): where its files live and how long things may take.</summary>
/// <param name="ImageDir">Kernel (vmlinuz) and initrd (initrd.img) every guest boots with, as made by build-images.sh.</param>
/// <param name="PoolDir">Directory of the plant's libvirt dir pool, created with the pool when libvirt has none of that name.</param>
/// <param name="ConsoleDir">Where each guest's serial console log is written.</param>
/// <param name="WorkDir">Mount points for disks being configured.</param>
/// <param name="BootTimeout">How long a guest may take from start to its ready marker.</param>
public sealed record RealVmSettings(
    string ImageDir,
    string PoolDir,
    string ConsoleDir,
    string WorkDir,
    TimeSpan BootTimeout,
    string KernelArgs,
    GuestActionSettings Actions);
