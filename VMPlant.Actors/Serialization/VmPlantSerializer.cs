using System.Collections.Frozen;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Akka.Actor;
using Akka.Serialization;
using VMPlant.Messages;

namespace VMPlant.Actors.Serialization;

/// <summary>
/// VMPlant's wire and journal format: UTF-8 JSON with an explicit, stable manifest per type
/// ("TypeName" for messages, "TypeName@vN" for events). Type names never leave the process, so a
/// renamed namespace cannot break a journal, and unknown manifests fail loudly instead of guessing.
/// </summary>
public sealed class VmPlantSerializer : SerializerWithStringManifest
{
    public const int SerializerId = 4711;

    private readonly JsonSerializerOptions _options;
    private readonly FrozenDictionary<string, Type> _typesByManifest;
    private readonly FrozenDictionary<Type, string> _manifestsByType;

    public VmPlantSerializer(ExtendedActorSystem system) : base(system)
    {
        _options = new JsonSerializerOptions
        {
            Converters = { new JsonStringEnumConverter(), new ActorRefJsonConverter(system) },
            NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        };
        var types = ContractTypes().ToList();
        _manifestsByType = types.ToFrozenDictionary(t => t, ManifestOf);
        _typesByManifest = types.ToFrozenDictionary(ManifestOf, t => t);
    }

    public override int Identifier => SerializerId;

    public override string Manifest(object o) =>
        _manifestsByType.TryGetValue(o.GetType(), out var manifest)
            ? manifest
            : throw new ArgumentException($"{o.GetType().FullName} is not a VMPlant contract type; it cannot be serialized by {nameof(VmPlantSerializer)}");

    public override byte[] ToBinary(object obj) => JsonSerializer.SerializeToUtf8Bytes(obj, obj.GetType(), _options);

    public override object FromBinary(byte[] bytes, string manifest)
    {
        if (_typesByManifest.TryGetValue(manifest, out var type))
            return JsonSerializer.Deserialize(bytes, type, _options)
                   ?? throw new SerializationException($"payload for manifest '{manifest}' is null");

        if (EventUpcasters.TryUpcast(manifest, bytes, out var currentManifest, out var upcast)
            && _typesByManifest.TryGetValue(currentManifest, out var currentType))
            return upcast.Deserialize(currentType, _options)
                   ?? throw new SerializationException($"upcast payload for manifest '{manifest}' is null");

        throw new SerializationException($"unknown VMPlant manifest '{manifest}': this node is older than the sender or journal");
    }

    /// <summary>Every concrete message and event type the serializer owns.</summary>
    internal static IEnumerable<Type> ContractTypes() =>
        new[] { typeof(IVmPlantMessage).Assembly, typeof(IVmPlantEvent).Assembly }
            .SelectMany(a => a.GetTypes())
            .Where(t => t is { IsAbstract: false, IsInterface: false }
                        && (typeof(IVmPlantMessage).IsAssignableFrom(t) || typeof(IVmPlantEvent).IsAssignableFrom(t)
                            || typeof(IVmPlantSnapshot).IsAssignableFrom(t)));

    internal static string ManifestOf(Type type) =>
        type.GetCustomAttribute<EventVersionAttribute>() is { } version ? $"{type.Name}@v{version.Version}" : type.Name;
}

public sealed class SerializationException(string message) : Exception(message);
