using System.Collections.Immutable;

namespace VMPlant.Libvirt.Qemu;

/// <summary>Limits and places for actions performed on a real VM's disk.</summary>
/// <param name="ActionTimeout">Longest one action may run before it fails the build.</param>
/// <param name="DebCacheDir">Host directory where .deb files fetched for install-package are kept between builds.</param>
/// <param name="CopyRoots">Host directories a copy-file <c>source</c> may be read from (anything else is refused at bid time).</param>
public sealed record GuestActionSettings(TimeSpan ActionTimeout, string DebCacheDir, ImmutableArray<string> CopyRoots);
