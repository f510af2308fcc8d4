using System.Text.Json;
using System.Text.Json.Serialization;
using Akka.Actor;

namespace VMPlant.Messages.Serialization;

/// <summary>Writes an actor reference as its full remote path and resolves it again on the receiving system.</summary>
public sealed class ActorRefJsonConverter(ExtendedActorSystem system) : JsonConverter<IActorRef>
{
    public override IActorRef Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var path = reader.GetString() ?? throw new JsonException("actor reference path is null");
        return system.Provider.ResolveActorRef(path);
    }

    public override void Write(Utf8JsonWriter writer, IActorRef value, JsonSerializerOptions options) =>
        writer.WriteStringValue(Akka.Serialization.Serialization.SerializedActorPath(value));
}
