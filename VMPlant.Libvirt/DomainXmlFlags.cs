namespace VMPlant.Libvirt;

/// <summary>libvirt's virDomainXMLFlags, for <see cref="LibvirtDomain.GetXmlDesc(DomainXmlFlags)"/>.</summary>
[Flags]
public enum DomainXmlFlags : uint
{
    None = 0,

    /// <summary>VIR_DOMAIN_XML_SECURE: include security-sensitive data such as passwords.</summary>
    Secure = 1,

    /// <summary>VIR_DOMAIN_XML_INACTIVE: the persistent definition rather than the live one.</summary>
    Inactive = 2,

    /// <summary>VIR_DOMAIN_XML_UPDATE_CPU: update guest CPU requirements from the host CPU.</summary>
    UpdateCpu = 4,

    /// <summary>VIR_DOMAIN_XML_MIGRATABLE: the XML suitable for migration.</summary>
    Migratable = 8,
}
