namespace VMPlant.Libvirt.Qemu;

/// <summary>Reads what `apt-get -s install` would install, and finds the fetched .deb for each.</summary>
public static class AptPlan
{
    public sealed record Package(string Name, string Version);

    /// <summary>"Inst NAME [OLD] (VERSION SUITE [ARCH])" lines of a simulated install.</summary>
    public static IReadOnlyList<Package> Installs(string simulation) =>
        simulation.Split('\n')
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(t => t.Length >= 3 && t[0] == "Inst")
            .Select(t => new Package(t[1], t.Skip(2).First(x => x.StartsWith('(')).TrimStart('(')))
            .ToList();

    /// <summary>apt-get download names files NAME_VERSION_ARCH.deb with ':' in the version written as %3a.</summary>
    public static string? FindDeb(string dir, Package package) =>
        Directory.EnumerateFiles(dir, $"{package.Name}_{package.Version.Replace(":", "%3a", StringComparison.Ordinal)}_*.deb").FirstOrDefault();
}
