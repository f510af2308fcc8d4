using Akka.Configuration;

namespace VMPlant.Tests.Support;

/// <summary>HOCON for actor specs: in-memory journal and snapshots, VMPlant's serializer bound as in production.</summary>
public static class TestConfig
{
    public static Config ActorSpec(string extra = "") => ConfigurationFactory.ParseString(extra + """

        akka {
          loglevel = INFO
          test.timefactor = 2
          actor {
            serializers.vmplant = "VMPlant.Actors.Serialization.VmPlantSerializer, VMPlant.Actors"
            serialization-bindings {
              "VMPlant.Messages.IVmPlantMessage, VMPlant.Messages" = vmplant
              "VMPlant.Actors.Serialization.IVmPlantEvent, VMPlant.Actors" = vmplant
              "VMPlant.Actors.Serialization.IVmPlantSnapshot, VMPlant.Actors" = vmplant
            }
          }
          persistence {
            journal.plugin = "akka.persistence.journal.inmem"
            snapshot-store.plugin = "akka.persistence.snapshot-store.inmem"
          }
        }
        """);
}
