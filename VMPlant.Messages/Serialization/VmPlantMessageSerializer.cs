using System.Collections.Frozen;
using System.Text.Json;
using System.Text.Json.Serialization;
using Akka.Actor;
using Akka.Serialization;

namespace VMPlant.Messages.Serialization;

/// <summary>
/// VMPlant's wire format: UTF-8 JSON with the stable manifest of <see cref="MessageManifests"/>. A client actor
/// system binds <see cref="IVmPlantMessage"/> to this serializer; a node binds it to VMPlant.Actors' serializer,
/// which extends this one with journal events (same identifier, same bytes for every message).
/// </summary>
public class VmPlantMessageSerializer : SerializerWithStringManifest
{
    public const int SerializerId = 4711;

    private readonly FrozenDictionary<string, Type> _typesByManifest;
    private readonly FrozenDictionary<Type, string> _manifestsByType;

    public VmPlantMessageSerializer(ExtendedActorSystem system) : this(system, new Dictionary<string, Type>())
    {
    }

    /// <param name="moreTypes">Manifests a subclass adds; they may not reuse a message's manifest.</param>
    protected VmPlantMessageSerializer(ExtendedActorSystem system, IReadOnlyDictionary<string, Type> moreTypes) : base(system)
    {
        Options = WireOptions();
        Options.Converters.Add(new ActorRefJsonConverter(system));
        var all = MessageManifests.TypesByManifest.Concat(moreTypes).ToList();
        _typesByManifest = all.ToFrozenDictionary(StringComparer.Ordinal);
        _manifestsByType = all.ToFrozenDictionary(entry => entry.Value, entry => entry.Key);
    }

    public override int Identifier => SerializerId;

    /// <summary>The JSON options of the wire format, less the actor-ref converter (which needs an actor system).</summary>
    internal static JsonSerializerOptions WireOptions() => new()
    {
        Converters = { new JsonStringEnumConverter() },
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    protected JsonSerializerOptions Options { get; }

    /// <summary>Every type this serializer owns, by manifest.</summary>
    public IReadOnlyDictionary<string, Type> TypesByManifest => _typesByManifest;

    public override string Manifest(object o) =>
        _manifestsByType.TryGetValue(o.GetType(), out var manifest)
            ? manifest
            : throw new ArgumentException($"{o.GetType().FullName} has no VMPlant manifest; it cannot be serialized by {GetType().Name}");

    public override byte[] ToBinary(object obj) => JsonSerializer.SerializeToUtf8Bytes(obj, obj.GetType(), Options);

    public override object FromBinary(byte[] bytes, string manifest)
    {
        if (_typesByManifest.TryGetValue(manifest, out var type))
            return JsonSerializer.Deserialize(bytes, type, Options)
                   ?? throw new SerializationException($"payload for manifest '{manifest}' is null");
        return FromUnknownManifest(bytes, manifest);
    }

    /// <summary>A manifest not in the table: a subclass may know an older name for it.</summary>
    protected virtual object FromUnknownManifest(byte[] bytes, string manifest) =>
        throw new SerializationException($"unknown VMPlant manifest '{manifest}': this node is older than the sender or journal");
}

public sealed class SerializationException(string message) : Exception(message);
