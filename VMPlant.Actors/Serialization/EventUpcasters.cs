using System.Text.Json.Nodes;
using VMPlant.Messages.Serialization;

namespace VMPlant.Actors.Serialization;

/// <summary>
/// Converts journal payloads written by earlier event versions to the current shape. Each entry maps an old
/// manifest to the manifest it becomes and a pure JSON rewrite; chains are followed until a current manifest.
/// </summary>
internal static class EventUpcasters
{
    private static readonly Dictionary<string, (string Next, Func<JsonObject, JsonObject> Rewrite)> Steps = new()
    {
        // v1 predates seed images: every image it recorded was built by the plant.
        ["ImagePublished@v1"] = ("ImagePublished@v2", ImagePublishedV1ToV2),
    };

    private static JsonObject ImagePublishedV1ToV2(JsonObject v1)
    {
        var image = v1["Image"]?.AsObject() ?? throw new SerializationException("ImagePublished@v1 without Image");
        image["Origin"] = "Built";
        return v1;
    }

    public static bool TryUpcast(string manifest, byte[] payload, out string currentManifest, out JsonNode upcast)
    {
        currentManifest = manifest;
        upcast = null!;
        if (!Steps.ContainsKey(manifest)) return false;

        var node = JsonNode.Parse(payload)?.AsObject() ?? throw new SerializationException($"payload for '{manifest}' is not a JSON object");
        while (Steps.TryGetValue(currentManifest, out var step))
        {
            node = step.Rewrite(node);
            currentManifest = step.Next;
        }
        upcast = node;
        return true;
    }
}
