using Akka.Configuration;
using VMPlant.Messages.Specs;

namespace VMPlant.Host.Configuration;

/// <summary>
/// Typed reads of configuration keys. Akka's getters fail with a bare FormatException or ArgumentNullException
/// ("Value cannot be null. (Parameter 's')"); these fail with one line naming the key, what was expected and a
/// short escaped excerpt of what was found.
/// </summary>
internal static class Setting
{
    /// <summary>Runs a section's reads; any failure that does not already say where is prefixed with the section.</summary>
    public static T In<T>(string section, Func<T> read)
    {
        try
        {
            return read();
        }
        catch (ConfigurationException e) when (!e.Message.StartsWith(section, StringComparison.Ordinal) && !e.Message.StartsWith("plant ", StringComparison.Ordinal))
        {
            throw new ConfigurationException($"{section}: {e.Message}");
        }
    }

    public static string String(Config config, string key) =>
        Read(config, key, "a string", () => config.GetString(key)) is { } text ? text : throw Missing(key);

    public static string String(Config config, string key, string fallback) =>
        Read(config, key, "a string", () => config.GetString(key, fallback)) ?? fallback;

    public static IList<string> StringList(Config config, string key) =>
        Read(config, key, "a list of strings", () => config.GetStringList(key)) ?? [];

    public static int Int(Config config, string key) =>
        Read(config, key, "a whole number", () => config.GetInt(key));

    public static long Long(Config config, string key) =>
        Read(config, key, "a whole number", () => config.GetLong(key));

    public static double Double(Config config, string key) =>
        Read(config, key, "a number", () => config.GetDouble(key));

    public static bool Boolean(Config config, string key, bool fallback) =>
        Read(config, key, "on or off", () => config.GetBoolean(key, fallback));

    public static TimeSpan TimeSpan(Config config, string key) =>
        Read(config, key, "a duration such as 5s", () => config.GetTimeSpan(key));

    private static ConfigurationException Missing(string key) => new($"{key}: is missing");

    private static T Read<T>(Config config, string key, string expected, Func<T> read)
    {
        try
        {
            return read();
        }
        catch (Exception e) when (e is not OutOfMemoryException and not ConfigurationException)
        {
            throw new ConfigurationException($"{key}: expected {expected}, got {Found(config, key)}");
        }
        catch (ConfigurationException e)
        {
            throw new ConfigurationException($"{key}: expected {expected} ({Excerpt.Line(e.Message, 200)})");
        }
    }

    private static string Found(Config config, string key)
    {
        try
        {
            return config.HasPath(key) ? Excerpt.Of(config.GetString(key) ?? "null") : "nothing";
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return "a list or object";
        }
    }

}
