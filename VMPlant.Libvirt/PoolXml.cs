using System.Xml.Linq;

namespace VMPlant.Libvirt;

/// <summary>Builds libvirt storage pool XML with System.Xml.Linq, so every value is escaped.</summary>
public static class PoolXml
{
    /// <summary>A directory pool: each volume is a file in <paramref name="path"/>.</summary>
    public static string Directory(string name, string path)
    {
        LibvirtNames.EnsureSafe(name, "pool");
        if (!System.IO.Path.IsPathFullyQualified(path))
            throw new ArgumentException($"Pool '{name}' needs an absolute directory, not '{path}'.", nameof(path));
        return new XElement("pool", new XAttribute("type", "dir"),
            new XElement("name", name),
            new XElement("target", new XElement("path", path))).ToString();
    }
}
