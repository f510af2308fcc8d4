using System.Xml.Linq;

namespace VMPlant.Libvirt;

/// <summary>Builds libvirt storage volume XML with System.Xml.Linq, so every value is escaped.</summary>
public static class VolumeXml
{
    /// <summary>
    /// A file volume of <paramref name="capacityBytes"/>. With <paramref name="backingStorePath"/>
    /// it is a copy-on-write overlay on that image (a linked clone): real pools create it with
    /// qemu-img in milliseconds; the test driver records the &lt;backingStore&gt; and echoes it in
    /// the volume's XML.
    /// </summary>
    /// <remarks>
    /// No &lt;allocation&gt; is given, so libvirt takes it to equal the capacity. On real pools that
    /// only reserves space for raw images (qcow2 stays sparse); the test driver charges the full
    /// capacity against the pool for every volume, overlays and clones included.
    /// </remarks>
    /// <exception cref="ArgumentException">Unsafe name or non-positive capacity.</exception>
    public static string Build(
        string name, long capacityBytes, string format = "qcow2", string? backingStorePath = null, string backingFormat = "qcow2")
    {
        LibvirtNames.EnsureSafe(name, "volume");
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacityBytes);
        ArgumentException.ThrowIfNullOrEmpty(format);
        ArgumentException.ThrowIfNullOrEmpty(backingFormat);
        var volume = new XElement("volume", new XAttribute("type", "file"),
            new XElement("name", name),
            new XElement("capacity", new XAttribute("unit", "bytes"), capacityBytes),
            new XElement("target", Format(format)),
            backingStorePath is null
                ? null
                : new XElement("backingStore", new XElement("path", backingStorePath), Format(backingFormat)));
        return volume.ToString();
    }

    private static XElement Format(string type) => new("format", new XAttribute("type", type));
}
