using System.Xml;
using System.Xml.Linq;

namespace VMPlant.Libvirt;

/// <summary>
/// Builds libvirt domain XML with System.Xml.Linq, so every value is escaped. The same shape
/// serves all three domain types: the test driver accepts the kernel, serial and virtio elements
/// qemu needs, and ignores them.
/// </summary>
/// <remarks>
/// No &lt;graphics&gt; element (libvirt has no "none" type; leaving it out means headless), and no
/// &lt;console&gt; (libvirt derives it from the first serial port).
/// </remarks>
public static class DomainXml
{
    private static readonly string[] DomainTypes = ["test", "qemu", "kvm"];

    /// <exception cref="ArgumentException">The definition is invalid; the message says why.</exception>
    public static string Build(DomainDefinition d)
    {
        Validate(d);
        var domain = new XElement("domain", new XAttribute("type", d.DomainType),
            new XElement("name", d.Name),
            new XElement("memory", new XAttribute("unit", "MiB"), d.MemoryMiB),
            new XElement("vcpu", d.Vcpus),
            Metadata(d),
            new XElement("os",
                new XElement("type", "hvm"),
                Optional("kernel", d.KernelPath),
                Optional("initrd", d.InitrdPath),
                Optional("cmdline", d.KernelArgs)),
            d.DestroyOnExit ? new[] { "on_poweroff", "on_reboot", "on_crash" }.Select(e => new XElement(e, "destroy")) : null,
            new XElement("devices",
                new XElement("disk", new XAttribute("type", "file"), new XAttribute("device", "disk"),
                    new XElement("driver", new XAttribute("name", "qemu"), new XAttribute("type", d.DiskFormat)),
                    new XElement("source", new XAttribute("file", d.DiskPath)),
                    new XElement("target", new XAttribute("dev", "vda"), new XAttribute("bus", "virtio"))),
                d.SerialLogPath is null
                    ? null
                    : new XElement("serial", new XAttribute("type", "file"),
                        new XElement("source", new XAttribute("path", d.SerialLogPath)),
                        new XElement("target", new XAttribute("port", 0)))));
        return domain.ToString();
    }

    private static void Validate(DomainDefinition d)
    {
        LibvirtNames.EnsureSafe(d.Name, "domain");
        if (!DomainTypes.Contains(d.DomainType))
            throw new ArgumentException($"Domain type '{d.DomainType}' is not one of {string.Join(", ", DomainTypes)}.", nameof(d));
        if (d.Vcpus < 1)
            throw new ArgumentException($"Domain '{d.Name}' needs at least one vCPU, not {d.Vcpus}.", nameof(d));
        if (d.MemoryMiB < 1)
            throw new ArgumentException($"Domain '{d.Name}' needs memory, not {d.MemoryMiB} MiB.", nameof(d));
        ArgumentException.ThrowIfNullOrEmpty(d.DiskPath, nameof(d));
        ArgumentException.ThrowIfNullOrEmpty(d.DiskFormat, nameof(d));
        if (d.KernelPath is null && (d.InitrdPath ?? d.KernelArgs) is not null)
            throw new ArgumentException($"Domain '{d.Name}' has an initrd or kernel arguments but no kernel.", nameof(d));
        if ((d.MetadataXml is null) != (d.MetadataNamespace is null))
            throw new ArgumentException($"Domain '{d.Name}' needs both metadata XML and its namespace, or neither.", nameof(d));
    }

    private static XElement? Metadata(DomainDefinition d)
    {
        if (d.MetadataXml is null)
            return null;
        XElement root;
        try
        {
            root = XElement.Parse(d.MetadataXml);
        }
        catch (XmlException e)
        {
            throw new ArgumentException($"Metadata XML for domain '{d.Name}' is not one well-formed element: {e.Message}", nameof(d), e);
        }
        XNamespace ns = d.MetadataNamespace!;
        foreach (var element in root.DescendantsAndSelf().Where(e => e.Name.Namespace == XNamespace.None))
            element.Name = ns + element.Name.LocalName;
        if (root.Name.Namespace != ns)
            throw new ArgumentException(
                $"Metadata XML for domain '{d.Name}' is in namespace '{root.Name.NamespaceName}', not '{d.MetadataNamespace}'.", nameof(d));
        return new XElement("metadata", root);
    }

    private static XElement? Optional(string name, string? value) => value is null ? null : new XElement(name, value);
}
