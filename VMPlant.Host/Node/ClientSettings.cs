using Akka.Actor;
using Akka.Configuration;
using VMPlant.Messages.Specs;

namespace VMPlant.Host.Node;

/// <summary>Reads the client's settings, turning Akka's exceptions for malformed values into one line naming the key.</summary>
internal static class ClientSettings
{
    public static IList<string> StringList(Config config, string path) =>
        Read(config, path, () => config.GetStringList(path), "a list of strings");

    public static TimeSpan Duration(Config config, string path, TimeSpan fallback)
    {
        if (!config.HasPath(path)) return fallback;
        var value = Read(config, path, () => config.GetTimeSpan(path), "a duration such as 30s or 500ms");
        return value > TimeSpan.Zero
            ? value
            : throw new ConfigurationException($"{path}: expected a positive duration such as 30s, got {Excerpt.Of(config.GetString(path) ?? "")}");
    }

    public static long Bytes(Config config, string path, long fallback)
    {
        if (!config.HasPath(path)) return fallback;
        return Read(config, path, () => config.GetByteSize(path) ?? fallback, "a size in bytes such as 128000b");
    }

    /// <summary>Receptionist addresses, each a full actor path with host and port.</summary>
    public static IReadOnlyList<ActorPath> ContactPaths(IReadOnlyList<string> contacts, string origin)
    {
        if (contacts.Count == 0)
            throw new ConfigurationException($"{origin}: no contact point given (e.g. akka.tcp://vmplant@127.0.0.1:4053/system/receptionist)");
        return contacts.Select(contact =>
            ActorPath.TryParse(contact, out var path) && path.Address.Host is { Length: > 0 } && path.Address.Port is > 0 and < 65536
                ? path
                : throw new ConfigurationException(
                    $"{origin}: {Excerpt.Of(contact, 80)} is not a receptionist address like akka.tcp://vmplant@127.0.0.1:4053/system/receptionist"))
            .ToList();
    }

    private static T Read<T>(Config config, string path, Func<T> read, string expected)
    {
        try
        {
            return read();
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new ConfigurationException($"{path}: expected {expected}, got {Excerpt.Of(SafeString(config, path))}");
        }
    }

    private static string SafeString(Config config, string path)
    {
        try
        {
            return config.GetString(path) ?? "";
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return "(not a string)";
        }
    }
}
