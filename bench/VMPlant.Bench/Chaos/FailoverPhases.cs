using System.Globalization;
using System.Text.RegularExpressions;
using VMPlant.Host.Node;

namespace VMPlant.Bench.Chaos;

/// <summary>
/// Where a failover's time goes, read from the surviving nodes' logs (Akka's cluster and singleton lines and the
/// shop's own): the first time after the fault that any node logged each step. The drill puts them on its timeline
/// so that a slow failover shows which step was slow (detection by refusal or by silence, the split brain resolver, removal, the singleton's
/// removal margin, the shop's recovery, plants re-registering).
/// </summary>
public static partial class FailoverPhases
{
    /// <summary>Each step: its name on the timeline and the log text that marks it.</summary>
    public static readonly IReadOnlyList<(string Step, string Marker)> Steps =
    [
        ("process death detected: its port refuses connections; downed at once", RefusingMemberDowner.ProcessGone),
        ("failure detected: the node is marked unreachable", "Marking node(s) as UNREACHABLE"),
        ("split brain resolver decided to down it (after stable-after)", "SBR took decision"),
        ("leader removed the downed node", "Leader is removing unreachable node"),
        ("new singleton started (after a crash: the removal margin; after a leave: the hand-over)", "Singleton manager started singleton actor"),
        ("shop recovered its journal", "Shop recovered"),
        ("first plant registered with the new shop", "registered (akka"),
    ];

    [GeneratedRegex(@"^\[[A-Z]+\]\[(?<at>[0-9/]+ [0-9:.]+)Z\]")]
    private static partial Regex Stamp();

    /// <summary>The time (UTC) a log line was written, from Akka's standard log prefix.</summary>
    public static DateTime? At(string line)
    {
        var match = Stamp().Match(line);
        return match.Success && DateTime.TryParseExact(match.Groups["at"].Value, "MM/dd/yyyy HH:mm:ss.fff", CultureInfo.InvariantCulture,
            DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var at)
            ? at
            : null;
    }

    /// <summary>For each step, the earliest line after <paramref name="faultUtc"/> in any of the logs that marks it.</summary>
    public static IReadOnlyList<(string Step, DateTime At)> Find(IEnumerable<IReadOnlyList<string>> logs, DateTime faultUtc)
    {
        var found = new Dictionary<string, DateTime>();
        foreach (var line in logs.SelectMany(l => l))
        {
            foreach (var (step, marker) in Steps)
            {
                if (!line.Contains(marker, StringComparison.Ordinal) || At(line) is not { } at || at < faultUtc) continue;
                if (!found.TryGetValue(step, out var seen) || at < seen) found[step] = at;
            }
        }
        return Steps.Where(s => found.ContainsKey(s.Step)).Select(s => (s.Step, found[s.Step])).OrderBy(s => s.Item2).ToList();
    }
}
