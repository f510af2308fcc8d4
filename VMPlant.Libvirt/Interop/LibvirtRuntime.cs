using System.Runtime.InteropServices;

namespace VMPlant.Libvirt.Interop;

/// <summary>Process-wide libvirt setup, done once before the first connection is opened.</summary>
internal static unsafe class LibvirtRuntime
{
    // The CLR runs a static constructor exactly once, with other threads waiting for it.
    static LibvirtRuntime() => ErrorNative.virSetErrorFunc(0, &IgnoreError);

    /// <summary>Forces the static constructor; cheap after the first call.</summary>
    internal static void EnsureInitialized() { }

    // Without a handler libvirt prints every error to stderr; ours surface as LibvirtException.
    [UnmanagedCallersOnly]
    private static void IgnoreError(nint userData, nint error) { }
}
