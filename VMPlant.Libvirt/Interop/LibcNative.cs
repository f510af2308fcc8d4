using System.Runtime.InteropServices;

namespace VMPlant.Libvirt.Interop;

/// <summary>The few libc calls .NET has no API for (fsync of a directory).</summary>
internal static partial class LibcNative
{
    private const string Name = "libc";

    internal const int ReadOnly = 0; // O_RDONLY; Linux lets a directory be opened this way.
    internal const int CloseOnExec = 0x80000; // O_CLOEXEC (same value on x86-64 and arm64)
    internal const int Einval = 22; // EINVAL: the file system cannot sync this kind of file.

    [LibraryImport(Name, EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int Open(string path, int flags);

    [LibraryImport(Name, EntryPoint = "fsync", SetLastError = true)]
    internal static partial int Fsync(int fd);

    [LibraryImport(Name, EntryPoint = "close", SetLastError = true)]
    internal static partial int Close(int fd);
}
