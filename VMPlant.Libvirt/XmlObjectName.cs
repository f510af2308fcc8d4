using System.Xml;
using System.Xml.Linq;

namespace VMPlant.Libvirt;

/// <summary>Names the object an XML description is about, for error messages.</summary>
internal static class XmlObjectName
{
    /// <summary>E.g. "volume 'vm-1'" for a &lt;volume&gt; whose &lt;name&gt; is vm-1.</summary>
    internal static string Describe(string kind, string xml)
    {
        try
        {
            var name = XElement.Parse(xml).Element("name")?.Value;
            return name is null ? $"{kind} (no <name> in XML)" : $"{kind} '{name}'";
        }
        catch (XmlException)
        {
            return $"{kind} (malformed XML)";
        }
    }
}
