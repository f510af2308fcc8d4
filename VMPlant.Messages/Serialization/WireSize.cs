using System.Text.Json;

namespace VMPlant.Messages.Serialization;

/// <summary>
/// How many bytes a message, or a part of one, takes on the wire: the length of its JSON as
/// <see cref="VmPlantMessageSerializer"/> writes it (a part nested in a message takes exactly its own length there).
/// Pages are sized with it so that a reply always fits in one remoting frame.
/// </summary>
public static class WireSize
{
    private static readonly JsonSerializerOptions Options = VmPlantMessageSerializer.WireOptions();

    public static long Of(object item) => JsonSerializer.SerializeToUtf8Bytes(item, item.GetType(), Options).LongLength;
}
