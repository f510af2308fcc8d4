using System.Runtime.InteropServices;

namespace VMPlant.Libvirt.Interop;

internal static unsafe partial class ErrorNative
{
    /// <summary>Thread-local error of the last failed call on this thread, or null.</summary>
    [LibraryImport(LibvirtLibrary.Name)]
    internal static partial NativeError* virGetLastError();

    [LibraryImport(LibvirtLibrary.Name)]
    internal static partial void virSetErrorFunc(nint userData, delegate* unmanaged<nint, nint, void> handler);
}
