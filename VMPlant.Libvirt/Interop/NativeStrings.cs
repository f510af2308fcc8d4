using System.Runtime.InteropServices;

namespace VMPlant.Libvirt.Interop;

/// <summary>
/// Converts char* results by hand rather than through string marshalling, because libvirt mixes
/// strings the caller must free with strings owned by the object they came from.
/// </summary>
internal static class NativeStrings
{
    /// <summary>Copies a string libvirt handed over to the caller and frees it.</summary>
    internal static unsafe string? Take(nint utf8)
    {
        if (utf8 == 0)
            return null;
        try
        {
            return Marshal.PtrToStringUTF8(utf8);
        }
        finally
        {
            NativeMemory.Free((void*)utf8);
        }
    }

    /// <summary>Copies a string that stays owned by a libvirt object.</summary>
    internal static string? Borrow(nint utf8) => utf8 == 0 ? null : Marshal.PtrToStringUTF8(utf8);
}
