using System.Security.Cryptography;
using System.Text;

namespace VMPlant.Actors.Domain;

/// <summary>Golden image ids derive from the action set, so the same set is never cached twice under two names.</summary>
public static class ImageIds
{
    public static string For(IEnumerable<ActionIdentity> actions)
    {
        var joined = string.Join(",", actions.Select(a => a.Value).Order(StringComparer.Ordinal));
        return "img-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(joined)), 0, 6);
    }
}
