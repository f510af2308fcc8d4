using System.Xml.Linq;
using VMPlant.Messages;

namespace VMPlant.Actors.Plant;

/// <summary>The VMPlant record kept on each libvirt domain, so the hypervisor itself says what a VM has done.</summary>
internal static class VmMetadata
{
    private static readonly XNamespace Ns = PlantHypervisor.MetadataNamespace;

    public static XElement Build(string vmId, string name, string requestId, string imageId, IEnumerable<PerformedAction> actions) =>
        new(Ns + "vm",
            new XAttribute("id", vmId),
            new XAttribute("name", name),
            new XAttribute("request", requestId),
            new XAttribute("image", imageId),
            actions.Select(a => new XElement(Ns + "action",
                new XAttribute("id", a.Id), new XAttribute("kind", a.Kind), new XAttribute("identity", a.Identity))));
}
