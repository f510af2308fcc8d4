using System.Runtime.InteropServices;

namespace VMPlant.Libvirt.Interop;

/// <summary>Unpacks the object arrays returned by libvirt's virXxxListAll* calls.</summary>
internal static class NativeArrays
{
    /// <summary>
    /// Wraps each element, whose reference passes to the wrapper, then frees the array itself.
    /// <paramref name="wrap"/> must not throw, or the remaining elements leak.
    /// </summary>
    internal static unsafe IReadOnlyList<T> Take<T>(nint array, int count, Func<nint, T> wrap)
    {
        try
        {
            var items = new T[count];
            for (var i = 0; i < count; i++)
                items[i] = wrap(((nint*)array)[i]);
            return items;
        }
        finally
        {
            NativeMemory.Free((void*)array);
        }
    }
}
