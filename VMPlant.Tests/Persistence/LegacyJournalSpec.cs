using Akka.Actor;
using Akka.Configuration;
using Akka.Persistence;
using Akka.Persistence.Sql;
using Akka.Serialization;
using Akka.TestKit.Xunit2;
using VMPlant.Actors.Domain;
using VMPlant.Actors.Plant;
using VMPlant.Actors.Serialization;
using VMPlant.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace VMPlant.Tests.Persistence;

/// <summary>
/// A journal written by an earlier event version still replays: an ImagePublished@v1 row, written into a real SQLite
/// journal exactly as version 1 stored it (no image origin), comes back as today's ImagePublished with Origin = Built.
/// </summary>
public sealed class LegacyJournalSpec(ITestOutputHelper output) : IDisposable
{
    private readonly TempDirectory _data = new("vmplant-legacy");

    private const string V1Payload = """
        {"Image":{"ImageId":"img-0a1b2c3d4e5f","Volume":"img-0a1b2c3d4e5f","Actions":[{"Id":"os","Kind":"install-os","Identity":"00112233445566778899aabbccddeeff"}],"BuildCost":600,"SizeBytes":2147483648,"CreatedAt":"2026-01-02T03:04:05+00:00"}}
        """;

    private Config Journal(string serializers) => ConfigurationFactory.ParseString($$"""
        akka.loglevel = WARNING
        akka.persistence.journal.plugin = "akka.persistence.journal.sql"
        akka.persistence.journal.sql {
          connection-string = "Data Source={{Path.Combine(_data.Path, "journal.db")}}"
          provider-name = "SQLite.MS"
          auto-initialize = on
          parallelism = 1
        }
        akka.persistence.snapshot-store.plugin = "akka.persistence.snapshot-store.sql"
        akka.persistence.snapshot-store.sql {
          connection-string = "Data Source={{Path.Combine(_data.Path, "journal.db")}}"
          provider-name = "SQLite.MS"
          auto-initialize = on
        }
        {{serializers}}
        """).WithFallback(SqlPersistence.DefaultConfiguration);

    [Fact]
    public async Task An_image_published_by_event_version_1_replays_as_version_2()
    {
        using (var writer = new TestKit(Journal("""
                   akka.actor.serializers.legacy = "VMPlant.Tests.Persistence.LegacyV1Serializer, VMPlant.Tests"
                   akka.actor.serialization-bindings { "VMPlant.Tests.Persistence.LegacyImagePublishedV1, VMPlant.Tests" = legacy }
                   """), "legacy-writer", output))
        {
            var journalist = writer.Sys.ActorOf(Props.Create(() => new Recorder("plant-legacy", writer.TestActor)));
            journalist.Tell(new LegacyImagePublishedV1(V1Payload));
            writer.ExpectMsg("persisted", TimeSpan.FromSeconds(20));
            await writer.Sys.Terminate();
        }

        using var reader = new TestKit(Journal("").WithFallback(TestConfig.ActorSpec()), "current-reader", output);
        reader.Sys.ActorOf(Props.Create(() => new Recorder("plant-legacy", reader.TestActor)));
        var replayed = reader.ExpectMsg<ImagePublished>(TimeSpan.FromSeconds(20));
        Assert.Equal(ImageOrigin.Built, replayed.Image.Origin);
        Assert.Equal("img-0a1b2c3d4e5f", replayed.Image.ImageId);
        Assert.Equal(["os"], replayed.Image.Actions.Select(a => a.Id).ToArray());
        Assert.Equal(600, replayed.Image.BuildCost);
    }

    public void Dispose() => _data.Dispose();

    /// <summary>Persists whatever it is told and reports every event it replays.</summary>
    private sealed class Recorder : ReceivePersistentActor
    {
        public Recorder(string persistenceId, IActorRef report)
        {
            PersistenceId = persistenceId;
            Recover<object>(e => e is not RecoveryCompleted, report.Tell);
            CommandAny(e => Persist(e, _ => report.Tell("persisted")));
        }

        public override string PersistenceId { get; }
    }
}

/// <summary>An event as version 1 of VMPlant wrote it: only its JSON survives.</summary>
public sealed record LegacyImagePublishedV1(string Json);

/// <summary>Writes rows the way version 1 did: VMPlant's serializer id, manifest "ImagePublished@v1", v1 JSON.</summary>
public sealed class LegacyV1Serializer(ExtendedActorSystem system) : SerializerWithStringManifest(system)
{
    public override int Identifier => VmPlantSerializer.SerializerId;

    public override string Manifest(object o) => "ImagePublished@v1";

    public override byte[] ToBinary(object obj) => System.Text.Encoding.UTF8.GetBytes(((LegacyImagePublishedV1)obj).Json);

    public override object FromBinary(byte[] bytes, string manifest) => new LegacyImagePublishedV1(System.Text.Encoding.UTF8.GetString(bytes));
}
