using System.Xml.Linq;
using VMPlant.Libvirt;
using Xunit;

namespace VMPlant.Tests.Libvirt;

public sealed class XmlBuilderSpec
{
    private static readonly DomainDefinition Minimal = new("vm-1", 2, 1024, "/images/vm-1");

    [Theory]
    [InlineData("vm-1")]
    [InlineData("A")]
    [InlineData("9.base_image-2")]
    [InlineData("a123456789012345678901234567890123456789012345678901234567890123")] // 64
    public void Safe_names(string name) => Assert.True(LibvirtNames.IsSafe(name));

    [Theory]
    [InlineData("")]
    [InlineData("vm<>&'\"")]
    [InlineData("-vm")]
    [InlineData(".vm")]
    [InlineData("vm 1")]
    [InlineData("vm/1")]
    [InlineData("vm-1\n")]
    [InlineData("vmé")]
    [InlineData("a1234567890123456789012345678901234567890123456789012345678901234")] // 65
    [InlineData(null)]
    public void Unsafe_names(string? name) => Assert.False(LibvirtNames.IsSafe(name));

    [Fact]
    public void EnsureSafe_explains_the_rule_and_names_the_argument()
    {
        var vmName = "vm<>&'\"";

        var error = Assert.Throws<ArgumentException>(() => LibvirtNames.EnsureSafe(vmName, "domain"));

        Assert.Equal(nameof(vmName), error.ParamName);
        Assert.StartsWith("Invalid domain name 'vm<>&'\"': use 1-64 characters", error.Message);
    }

    [Fact]
    public void Builders_reject_hostile_names()
    {
        Assert.Throws<ArgumentException>(() => DomainXml.Build(Minimal with { Name = "vm<>&'\"" }));
        Assert.Throws<ArgumentException>(() => VolumeXml.Build("vol<>&'\"", 1));
        Assert.Throws<ArgumentException>(() => TestNodeXml.Build(new TestNodeDefinition(1, 1, "pool<>&'\"", 1)));
    }

    [Fact]
    public void Test_domain_has_a_virtio_disk_and_nothing_optional()
    {
        var xml = XElement.Parse(DomainXml.Build(Minimal));

        Assert.Equal("test", xml.Attribute("type")!.Value);
        Assert.Equal("vm-1", xml.Element("name")!.Value);
        Assert.Equal("1024", xml.Element("memory")!.Value);
        Assert.Equal("MiB", xml.Element("memory")!.Attribute("unit")!.Value);
        Assert.Equal("2", xml.Element("vcpu")!.Value);
        Assert.Equal(["type"], xml.Element("os")!.Elements().Select(e => e.Name.LocalName));
        Assert.Null(xml.Element("metadata"));
        var disk = xml.Element("devices")!.Elements().Single();
        Assert.Equal("qcow2", disk.Element("driver")!.Attribute("type")!.Value);
        Assert.Equal("/images/vm-1", disk.Element("source")!.Attribute("file")!.Value);
        Assert.Equal("virtio", disk.Element("target")!.Attribute("bus")!.Value);
    }

    [Fact]
    public void Qemu_domain_boots_a_kernel_logs_serial_to_a_file_and_has_no_graphics()
    {
        var xml = XElement.Parse(DomainXml.Build(Minimal with
        {
            DomainType = "qemu",
            KernelPath = "/boot/vmlinuz",
            InitrdPath = "/boot/initrd.img",
            KernelArgs = "console=ttyS0",
            SerialLogPath = "/var/log/vmplant/vm-1.log",
        }));

        Assert.Equal("qemu", xml.Attribute("type")!.Value);
        var os = xml.Element("os")!;
        Assert.Equal("hvm", os.Element("type")!.Value);
        Assert.Equal("/boot/vmlinuz", os.Element("kernel")!.Value);
        Assert.Equal("/boot/initrd.img", os.Element("initrd")!.Value);
        Assert.Equal("console=ttyS0", os.Element("cmdline")!.Value);
        var serial = xml.Element("devices")!.Element("serial")!;
        Assert.Equal("file", serial.Attribute("type")!.Value);
        Assert.Equal("/var/log/vmplant/vm-1.log", serial.Element("source")!.Attribute("path")!.Value);
        Assert.Empty(xml.Descendants("graphics"));
    }

    [Fact]
    public void Metadata_values_with_markup_are_escaped_and_put_in_the_namespace()
    {
        const string hostile = "</owner><evil/>&amp; ]]> '\"";
        var metadata = new XElement("vm", new XAttribute("tag", hostile), new XElement("owner", hostile)).ToString();

        var xml = XElement.Parse(DomainXml.Build(Minimal with { MetadataXml = metadata, MetadataNamespace = "urn:vmplant:vm:1" }));

        XNamespace ns = "urn:vmplant:vm:1";
        var vm = xml.Element("metadata")!.Elements().Single();
        Assert.Equal(ns + "vm", vm.Name);
        Assert.Equal(hostile, vm.Attribute("tag")!.Value);
        Assert.Equal(hostile, vm.Element(ns + "owner")!.Value);
        Assert.Empty(xml.Descendants("evil"));
    }

    [Fact]
    public void Hostile_paths_and_arguments_are_escaped()
    {
        const string hostile = "/x'\"<y>&z";

        var xml = XElement.Parse(DomainXml.Build(Minimal with
        {
            DiskPath = hostile, KernelPath = hostile, KernelArgs = hostile, SerialLogPath = hostile,
        }));

        Assert.Equal(hostile, xml.Descendants("source").First().Attribute("file")!.Value);
        Assert.Equal(hostile, xml.Element("os")!.Element("kernel")!.Value);
        Assert.Equal(hostile, xml.Element("os")!.Element("cmdline")!.Value);
        Assert.Equal(hostile, xml.Descendants("serial").Single().Element("source")!.Attribute("path")!.Value);
    }

    [Theory]
    [MemberData(nameof(InvalidDefinitions))]
    public void Invalid_domain_definitions_are_rejected(DomainDefinition definition) =>
        Assert.ThrowsAny<ArgumentException>(() => DomainXml.Build(definition));

    public static TheoryData<DomainDefinition> InvalidDefinitions() =>
    [
        Minimal with { DomainType = "xen" },
        Minimal with { Vcpus = 0 },
        Minimal with { MemoryMiB = 0 },
        Minimal with { DiskPath = "" },
        Minimal with { InitrdPath = "/boot/initrd.img" },
        Minimal with { KernelArgs = "console=ttyS0" },
        Minimal with { MetadataXml = "<vm/>" },
        Minimal with { MetadataNamespace = "urn:x" },
        Minimal with { MetadataXml = "<vm><open></vm>", MetadataNamespace = "urn:x" },
        Minimal with { MetadataXml = "<a/><b/>", MetadataNamespace = "urn:x" },
        Minimal with { MetadataXml = "<o:vm xmlns:o='urn:other'/>", MetadataNamespace = "urn:x" },
    ];

    [Fact]
    public void Volume_is_a_sized_qcow2_file()
    {
        var xml = XElement.Parse(VolumeXml.Build("vm-1", 5_000_000_000));

        Assert.Equal("vm-1", xml.Element("name")!.Value);
        Assert.Equal("5000000000", xml.Element("capacity")!.Value);
        Assert.Equal("bytes", xml.Element("capacity")!.Attribute("unit")!.Value);
        Assert.Equal("qcow2", xml.Element("target")!.Element("format")!.Attribute("type")!.Value);
        Assert.Null(xml.Element("backingStore"));
        Assert.Null(xml.Element("allocation"));
    }

    [Fact]
    public void Overlay_volume_names_its_backing_store()
    {
        var xml = XElement.Parse(VolumeXml.Build("vm-1", 1, "qcow2", "/images/base <1>.raw", "raw"));

        var backing = xml.Element("backingStore")!;
        Assert.Equal("/images/base <1>.raw", backing.Element("path")!.Value);
        Assert.Equal("raw", backing.Element("format")!.Attribute("type")!.Value);
    }

    [Fact]
    public void Volume_needs_a_positive_capacity() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => VolumeXml.Build("vm-1", 0));

    [Fact]
    public void Test_node_describes_cpus_memory_and_one_pool_with_its_reserve()
    {
        var xml = XElement.Parse(TestNodeXml.Build(new TestNodeDefinition(8, 16384, "images", 30L << 30, "/srv/images")));

        Assert.Equal("8", xml.Element("cpu")!.Element("active")!.Value);
        Assert.Equal((16384 * 1024).ToString(), xml.Element("memory")!.Value);
        var pool = xml.Elements("pool").Single();
        Assert.Equal("dir", pool.Attribute("type")!.Value);
        Assert.Equal("images", pool.Element("name")!.Value);
        Assert.Equal("/srv/images", pool.Element("target")!.Element("path")!.Value);
        var reserve = pool.Elements("volume").Single();
        Assert.Equal(TestNodeXml.ReserveVolumeName, reserve.Element("name")!.Value);
        Assert.Equal((TestNodeXml.DriverPoolCapacityBytes - (30L << 30)).ToString(), reserve.Element("capacity")!.Value);
    }

    [Fact]
    public void Test_node_pool_cannot_exceed_the_drivers_capacity() =>
        Assert.Throws<ArgumentOutOfRangeException>(() =>
            TestNodeXml.Build(new TestNodeDefinition(1, 1, "images", TestNodeXml.DriverPoolCapacityBytes + 1)));
}
