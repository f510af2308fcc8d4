using System.Text;
using Akka.Actor;
using Akka.Serialization;
using Akka.TestKit.Xunit2;
using System.Reflection;
using VMPlant.Actors.Serialization;
using VMPlant.Messages;
using VMPlant.Messages.Serialization;
using VMPlant.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace VMPlant.Tests.Actors.Serialization;

/// <summary>Every contract type round-trips through the serializer Akka picks for it, which must be VMPlant's own.</summary>
public sealed class VmPlantSerializerSpec(ITestOutputHelper output) : TestKit(TestConfig.ActorSpec(), output: output)
{
    /// <summary>Every concrete message, event and snapshot type in the assemblies (found by reflection here, in the test only).</summary>
    private static IEnumerable<Type> ContractTypes() =>
        new[] { typeof(IVmPlantMessage).Assembly, typeof(IVmPlantEvent).Assembly }
            .SelectMany(a => a.GetTypes())
            .Where(t => t is { IsAbstract: false, IsInterface: false }
                        && (typeof(IVmPlantMessage).IsAssignableFrom(t) || typeof(IVmPlantEvent).IsAssignableFrom(t)
                            || typeof(IVmPlantSnapshot).IsAssignableFrom(t)));

    public static TheoryData<string> ContractTypeNames()
    {
        var data = new TheoryData<string>();
        foreach (var type in ContractTypes().OrderBy(t => t.FullName)) data.Add(type.AssemblyQualifiedName!);
        return data;
    }

    [Fact]
    public void The_constant_manifest_tables_name_every_contract_type_once()
    {
        var messages = MessageManifests.TypesByManifest;
        var journal = VmPlantSerializer.JournalManifests;
        var listed = messages.Values.Concat(journal.Values).ToList();
        Assert.Equal(listed.Count, listed.Distinct().Count());
        Assert.Empty(ContractTypes().Except(listed).Select(t => t.Name));
        Assert.All(messages, entry => Assert.True(typeof(IVmPlantMessage).IsAssignableFrom(entry.Value), entry.Key));
        Assert.All(messages, entry => Assert.Equal(entry.Value.Name, entry.Key));
        // The table and the version attribute on each event agree.
        Assert.All(journal, entry => Assert.Equal(
            $"{entry.Value.Name}@v{entry.Value.GetCustomAttribute<EventVersionAttribute>()!.Version}", entry.Key));
    }

    [Fact]
    public void A_client_reading_only_the_messages_project_gets_the_same_bytes()
    {
        var client = new VmPlantMessageSerializer((ExtendedActorSystem)Sys);
        var node = (VmPlantSerializer)Sys.Serialization.FindSerializerFor(new ShowVm("vm"));
        var message = new CreateVm("r", SpecBuilder.DebianOnly());
        Assert.Equal(node.Identifier, client.Identifier);
        Assert.Equal(node.Manifest(message), client.Manifest(message));
        Assert.Equal(node.ToBinary(message), client.ToBinary(message));
        Assert.IsType<CreateVm>(client.FromBinary(node.ToBinary(message), node.Manifest(message)));
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
