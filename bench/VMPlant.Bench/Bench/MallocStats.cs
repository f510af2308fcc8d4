using System.Runtime.InteropServices;

namespace VMPlant.Bench;

/// <summary>
/// glibc's malloc totals over all arenas (mallinfo2): bytes handed out and still in use, and bytes free inside the
/// arenas. Growth of the first is native memory kept (a leak or a growing native cache); of the second, fragmentation.
/// </summary>
public static partial class MallocStats
{
    [StructLayout(LayoutKind.Sequential)]
    private struct MallInfo2
    {
        public nuint Arena, Ordblks, Smblks, Hblks, Hblkhd, Usmblks, Fsmblks, Uordblks, Fordblks, Keepcost;
    }

    [LibraryImport("libc", EntryPoint = "mallinfo2")]
    private static partial MallInfo2 Read();

    /// <summary>(in use, free in arenas) in MiB; null where glibc's mallinfo2 is missing (not Linux, or glibc before 2.33).</summary>
    public static (double InUseMiB, double FreeMiB)? Current()
    {
        try
        {
            var info = Read();
            return ((info.Uordblks + info.Hblkhd) / 1048576.0, info.Fordblks / 1048576.0);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return null;
        }
    }
}
