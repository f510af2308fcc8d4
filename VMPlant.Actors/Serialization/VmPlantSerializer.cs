using System.Text.Json;
using Akka.Actor;
using VMPlant.Actors.Domain;
using VMPlant.Actors.Plant;
using VMPlant.Actors.Shop;
using VMPlant.Messages.Serialization;

namespace VMPlant.Actors.Serialization;

/// <summary>
/// A node's serializer: every message (as <see cref="VmPlantMessageSerializer"/> writes them, so clients that know
/// only VMPlant.Messages read the same bytes) plus journal events and snapshots, whose manifests carry a schema
/// version ("TypeName@vN"). Old versions are read through <see cref="EventUpcasters"/>.
/// </summary>
public sealed class VmPlantSerializer(ExtendedActorSystem system) : VmPlantMessageSerializer(system, JournalManifests)
{
    /// <summary>Journal payloads by manifest; bump a version (and add an upcaster) when a field changes meaning.</summary>
    public static readonly IReadOnlyDictionary<string, Type> JournalManifests = new Dictionary<string, Type>
    {
        // Shop events and snapshot.
        ["RequestAccepted@v1"] = typeof(RequestAccepted),
        ["RequestFailed@v1"] = typeof(RequestFailed),
        ["RequestCompleted@v1"] = typeof(RequestCompleted),
        ["RequestAwarded@v1"] = typeof(RequestAwarded),
        ["VmConfigured@v1"] = typeof(VmConfigured),
        ["VmDeleted@v1"] = typeof(VmDeleted),
        ["ShopSnapshot@v1"] = typeof(ShopSnapshot),
        // Plant events and snapshot.
        ["VmReserved@v1"] = typeof(VmReserved),
        ["VmBuilt@v1"] = typeof(VmBuilt),
        ["VmBuildFailed@v1"] = typeof(VmBuildFailed),
        ["VmReconfigured@v1"] = typeof(VmReconfigured),
        ["VmRemoved@v1"] = typeof(VmRemoved),
        ["VmLost@v1"] = typeof(VmLost),
        ["ImagePublished@v2"] = typeof(ImagePublished),
        ["ImageHit@v1"] = typeof(ImageHit),
        ["ImageEvicted@v1"] = typeof(ImageEvicted),
        ["ActionCostLearned@v1"] = typeof(ActionCostLearned),
        ["PlantSnapshot@v1"] = typeof(PlantSnapshot),
    };

    protected override object FromUnknownManifest(byte[] bytes, string manifest)
    {
        if (EventUpcasters.TryUpcast(manifest, bytes, out var currentManifest, out var upcast)
            && TypesByManifest.TryGetValue(currentManifest, out var currentType))
            return upcast.Deserialize(currentType, Options)
                   ?? throw new SerializationException($"upcast payload for manifest '{manifest}' is null");
        return base.FromUnknownManifest(bytes, manifest);
    }
}
