using System.Xml.Linq;
using VMPlant.Messages;

namespace VMPlant.Actors.Plant;

/// <summary>The VMPlant record kept on each libvirt domain, so the hypervisor itself says what a VM has done.</summary>
internal static class VmMetadata
{
    private static readonly XNamespace Ns = PlantHypervisor.MetadataNamespace;

    public static XElement Build(string plant, string vmId, string name, string requestId, string imageId, IEnumerable<PerformedAction> actions) =>
        new(Ns + "vm",
            new XAttribute("plant", plant),
            new XAttribute("id", vmId),
            new XAttribute("name", name),
            new XAttribute("request", requestId),
            new XAttribute("image", imageId),
            actions.Select(a => new XElement(Ns + "action",
                new XAttribute("id", a.Id), new XAttribute("kind", a.Kind), new XAttribute("identity", a.Identity))));

    /// <summary>The plant named in a domain's VMPlant metadata, or null for a domain VMPlant does not manage.</summary>
    public static string? PlantOf(string? metadataXml)
    {
        if (string.IsNullOrEmpty(metadataXml)) return null;
        // libvirt hands the element back without its namespace.
        return XElement.Parse(metadataXml).Attribute("plant")?.Value;
    }
}
