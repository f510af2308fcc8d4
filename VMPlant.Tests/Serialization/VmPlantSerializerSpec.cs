using System.Text;
using Akka.Actor;
using Akka.Serialization;
using Akka.TestKit.Xunit2;
using VMPlant.Actors.Serialization;
using VMPlant.Messages;
using VMPlant.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace VMPlant.Tests.Serialization;

/// <summary>Every contract type round-trips through the serializer Akka picks for it, which must be VMPlant's own.</summary>
public sealed class VmPlantSerializerSpec(ITestOutputHelper output) : TestKit(TestConfig.ActorSpec(), output: output)
{
    public static TheoryData<string> ContractTypeNames()
    {
        var data = new TheoryData<string>();
        foreach (var type in VmPlantSerializer.ContractTypes().OrderBy(t => t.FullName)) data.Add(type.AssemblyQualifiedName!);
        return data;
    }

    [Theory]
    [MemberData(nameof(ContractTypeNames))]
    public void Every_contract_type_round_trips_through_the_bound_serializer(string typeName)
    {
        var type = Type.GetType(typeName, throwOnError: true)!;
        var sample = new SampleValues(TestActor).Create(type);
        var serialization = Sys.Serialization;
        var serializer = serialization.FindSerializerFor(sample);
        Assert.IsType<VmPlantSerializer>(serializer);

        var manifest = Akka.Serialization.Serialization.ManifestFor(serializer, sample);
        var bytes = serializer.ToBinary(sample);
        var back = serialization.Deserialize(bytes, serializer.Identifier, manifest);

        Assert.IsType(type, back);
        Assert.Equal(Encoding.UTF8.GetString(bytes), Encoding.UTF8.GetString(serializer.ToBinary(back)));
    }

    [Fact]
    public void Actor_references_survive_as_resolvable_paths()
    {
        var message = new RegisterPlant("p1", TestActor);
        var serializer = (SerializerWithStringManifest)Sys.Serialization.FindSerializerFor(message);
        var back = (RegisterPlant)serializer.FromBinary(serializer.ToBinary(message), serializer.Manifest(message));
        back.PlantRef.Tell("ping");
        ExpectMsg("ping");
    }

    [Fact]
    public void Events_carry_their_version_in_the_manifest()
    {
        var serializer = (SerializerWithStringManifest)Sys.Serialization.FindSerializerFor(new VMPlant.Actors.Domain.VmDeleted("vm", DateTimeOffset.UnixEpoch));
        Assert.Equal("VmDeleted@v1", serializer.Manifest(new VMPlant.Actors.Domain.VmDeleted("vm", DateTimeOffset.UnixEpoch)));
        Assert.Equal("CreateVm", serializer.Manifest(new CreateVm("r", SpecBuilder.DebianOnly())));
    }

    [Fact]
    public void An_unknown_manifest_fails_with_a_message_that_names_it()
    {
        var serializer = (SerializerWithStringManifest)Sys.Serialization.FindSerializerFor(new CreateVm("r", SpecBuilder.DebianOnly()));
        var error = Assert.Throws<SerializationException>(() => serializer.FromBinary("{}"u8.ToArray(), "FutureMessage@v9"));
        Assert.Contains("FutureMessage@v9", error.Message);
    }
}
