namespace VMPlant.Libvirt.Interop;

internal static class LibvirtLibrary
{
    // The SONAME, so no libvirt-dev symlink is needed on the host.
    public const string Name = "libvirt.so.0";
}
