using System.Xml.Linq;
using VMPlant.Libvirt;
using Xunit;

namespace VMPlant.Tests.Libvirt;

public sealed class LibvirtDomainSpec : IDisposable
{
    private const string VmNamespace = "urn:vmplant:vm:1";

    private readonly FakeHost _host = new();
    private readonly LibvirtConnection _connection;

    public LibvirtDomainSpec() => _connection = _host.Open();

    public void Dispose()
    {
        _connection.Dispose();
        _host.Dispose();
    }

    private LibvirtDomain Define(string name, string? metadataXml = null) =>
        _connection.DefineDomain(DomainXml.Build(new DomainDefinition(
            name, Vcpus: 2, MemoryMiB: 512, DiskPath: $"/var/lib/vmplant/images/{name}",
            MetadataXml: metadataXml, MetadataNamespace: metadataXml is null ? null : VmNamespace)));

    [Fact]
    public void Domain_goes_through_its_lifecycle()
    {
        using var domain = Define("vm-1");
        Assert.Equal(DomainState.Shutoff, domain.GetState());
        Assert.False(domain.IsActive());

        domain.Create();
        Assert.Equal(DomainState.Running, domain.GetState());
        Assert.True(domain.IsActive());

        domain.Suspend();
        Assert.Equal(DomainState.Paused, domain.GetState());
        Assert.True(domain.IsActive());

        domain.Resume();
        Assert.Equal(DomainState.Running, domain.GetState());

        domain.Destroy();
        Assert.Equal(DomainState.Shutoff, domain.GetState());

        domain.Undefine();
        Assert.Null(_connection.TryLookupDomainByName("vm-1"));
    }

    [Fact]
    public void Undefining_a_running_domain_leaves_it_running_until_destroyed()
    {
        using var domain = Define("vm-1");
        domain.Create();

        domain.Undefine();
        Assert.Equal(DomainState.Running, domain.GetState());

        domain.Destroy();
        Assert.Null(_connection.TryLookupDomainByName("vm-1"));
    }

    [Fact]
    public void Starting_a_running_domain_fails_naming_it()
    {
        using var domain = Define("vm-1");
        domain.Create();

        var error = Assert.Throws<LibvirtException>(domain.Create);

        Assert.Equal("virDomainCreate", error.Operation);
        Assert.Equal("domain 'vm-1'", error.Target);
        Assert.Contains("already", error.LibvirtMessage);
    }

    [Fact]
    public void Name_uuid_and_xml_describe_the_domain()
    {
        using var domain = Define("vm-1");

        var xml = XElement.Parse(domain.GetXmlDesc());

        Assert.Equal("vm-1", domain.Name);
        Assert.True(Guid.TryParse(domain.Uuid, out _));
        Assert.Equal(domain.Uuid, xml.Element("uuid")!.Value);
        Assert.Equal("test", xml.Attribute("type")!.Value);
        Assert.Equal("/var/lib/vmplant/images/vm-1", xml.Descendants("disk").Single().Element("source")!.Attribute("file")!.Value);
    }

    [Fact]
    public void Lists_all_domains_running_or_not()
    {
        Assert.Empty(_connection.ListAllDomains());
        using (Define("vm-1"))
        using (var running = Define("vm-2"))
            running.Create();

        var domains = _connection.ListAllDomains();
        var names = domains.Select(d => d.Name).Order().ToList();
        foreach (var domain in domains)
            domain.Dispose();

        Assert.Equal(["vm-1", "vm-2"], names);
    }

    [Fact]
    public void Missing_domain_is_null_for_try_lookup_and_an_error_for_lookup()
    {
        Assert.Null(_connection.TryLookupDomainByName("missing"));

        var error = Assert.Throws<LibvirtException>(() => _connection.LookupDomainByName("missing"));

        Assert.Equal(42, error.Code); // VIR_ERR_NO_DOMAIN
        Assert.Equal($"connection '{_host.Uri}' (domain 'missing')", error.Target);
    }

    [Fact]
    public void Invalid_domain_xml_fails_naming_the_domain()
    {
        var error = Assert.Throws<LibvirtException>(() =>
            _connection.DefineDomain("<domain type='test'><name>vm-1</name><memory>-1</memory></domain>"));

        Assert.Equal("virDomainDefineXML", error.Operation);
        Assert.EndsWith("(domain 'vm-1')", error.Target);
    }

    // Fact (4): metadata set and read back on the test driver.
    [Fact]
    public void Metadata_from_the_definition_reads_back_with_markup_escaped()
    {
        var hostile = "</owner><evil a='1'/> & \"quotes\"";
        var metadata = new XElement("vm", new XElement("owner", hostile)).ToString();
        using var domain = Define("vm-1", metadata);

        var read = XElement.Parse(domain.GetMetadata(VmNamespace)!);

        Assert.Equal("vm", read.Name.LocalName);
        Assert.Equal(hostile, read.Element(read.Name.Namespace + "owner")!.Value);
    }

    [Fact]
    public void Metadata_set_while_stopped_and_while_running_reads_back()
    {
        using var domain = Define("vm-1");

        domain.SetMetadata("<lease><until>1</until></lease>", "lease", "urn:vmplant:lease");
        Assert.Equal("1", XElement.Parse(domain.GetMetadata("urn:vmplant:lease")!).Element("until")!.Value);

        domain.Create();
        domain.SetMetadata("<lease><until>2</until></lease>", "lease", "urn:vmplant:lease");
        Assert.Equal("2", XElement.Parse(domain.GetMetadata("urn:vmplant:lease")!).Element("until")!.Value);

        domain.Destroy();
        // Set on the persistent definition too, so it survives the stop.
        Assert.Equal("2", XElement.Parse(domain.GetMetadata("urn:vmplant:lease")!).Element("until")!.Value);
    }

    [Fact]
    public void Missing_metadata_is_null()
    {
        using var domain = Define("vm-1");

        Assert.Null(domain.GetMetadata("urn:nothing-here"));
    }

    [Fact]
    public void Malformed_metadata_fails_naming_the_namespace()
    {
        using var domain = Define("vm-1");

        var error = Assert.Throws<LibvirtException>(() => domain.SetMetadata("<a>", "a", "urn:a"));

        Assert.Equal("domain 'vm-1' (namespace 'urn:a')", error.Target);
    }

    [Fact]
    public void Hostile_kernel_arguments_and_paths_survive_the_round_trip_through_libvirt()
    {
        const string args = "console=ttyS0 x=\"<b>&'\"";
        const string path = "/images/a'b\"<c>&d";
        using var domain = _connection.DefineDomain(DomainXml.Build(new DomainDefinition(
            "vm-1", 1, 256, path, KernelPath: "/boot/vmlinuz", KernelArgs: args, SerialLogPath: "/logs/vm-1 <x>.log")));

        var xml = XElement.Parse(domain.GetXmlDesc());

        Assert.Equal(args, xml.Element("os")!.Element("cmdline")!.Value);
        Assert.Equal(path, xml.Descendants("disk").Single().Element("source")!.Attribute("file")!.Value);
        Assert.Equal("/logs/vm-1 <x>.log", xml.Descendants("serial").Single().Element("source")!.Attribute("path")!.Value);
    }
}
