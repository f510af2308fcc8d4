using System.Text;
using System.Text.RegularExpressions;
using VMPlant.Messages.Specs;
using VMPlant.Tests.Support;

namespace VMPlant.Tests.Messages;

/// <summary>
/// The fuzzing machinery shared by the spec and config suites: mutations of real files, a watchdog that turns a
/// hang into a counted failure, and the tally printed at the end.
/// </summary>
public static partial class HoconInputFuzz
{
    /// <summary>Generous: a parse takes milliseconds, and the machine is often loaded (load average 10+).</summary>
    public static readonly TimeSpan Watchdog = TimeSpan.FromSeconds(15);

    /// <summary>Inputs known to hang Akka's HOCON parser (Akka 1.5.74) before the pre-scan guarded it.</summary>
    /// <summary>
    /// The mutation stream's seed: fixed, so a CI run is reproducible and a failure can be replayed; set
    /// VMPLANT_FUZZ_SEED to explore other inputs (every run prints the seed it used).
    /// </summary>
    public static int FuzzSeed { get; } =
        int.TryParse(Environment.GetEnvironmentVariable("VMPLANT_FUZZ_SEED"), out var seed) ? seed : 20261202;

    /// <summary>Which base input to mutate and the random source of each mutation, drawn from <see cref="FuzzSeed"/>.</summary>
    public static IEnumerable<(int Base, Random Mutation)> MutationPlan(int bases, int count)
    {
        var random = new Random(FuzzSeed);
        for (var i = 0; i < count; i++) yield return (random.Next(bases), new Random(random.Next()));
    }

    public static readonly string[] KnownAkkaHangs =
    [
        "a=[=]", "a=[:]", "a = [ b = 1 ]", "a=[{}=1]", "a=[1 = 2]", "a=[b\n=1]", "a=[${b}=1]\nb=1",
        "x = [ y = 1 ]", "actions = [\nactions = [\n { id = a }\n]\n", "a = [ { b = 1 }\n c = 2 } ]\n",
        "a=[\\]", "a = [ x\\y ]", "a=[@]", "a=[`]", "a=[^]", "a=[?]", "a=[!]", "a=[*]", "a=[&]", "a=[$]",
        "x = [ { a = 1, {} b = 2 } ]",
        "a=[${ id =[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}]", "a=[${}]\na=[${}]",
        "x = [ { a := { } } ]", "x = [ { a = = { } } ]", "x = [ { a : : { } } ]", "x = [ { = { } } ]", "x = [ { a = b = {} } ]",
    ];

    public static IReadOnlyList<string> ExampleTexts() =>
        Directory.GetFiles(RepoPaths.Examples, "*.conf").Order(StringComparer.Ordinal).Select(File.ReadAllText).ToList();

    private static readonly string[] Tokens =
    [
        "{", "}", "[", "]", "=", ":", "+=", "\"", "\"\"\"", ",", "\n", "#", "//", "${a}", "${?x}", "${name}", "include \"x\"",
        "\0", "\u001b[31m", "\u202e", "\r", "\t", "null", "true", "1e309", "-0", "a.b.c", "\\", "{}", "[]", "[ ]", "= [", "{ id = x }",
    ];

    /// <summary>One to three mutations of <paramref name="text"/>, chosen by <paramref name="random"/>.</summary>
    public static string Mutate(string text, Random random)
    {
        var count = random.Next(1, 4);
        for (var i = 0; i < count && text.Length > 0; i++)
            text = MutateOnce(text, random);
        return text;
    }

    private static string MutateOnce(string text, Random random)
    {
        var at = random.Next(text.Length + 1);
        switch (random.Next(10))
        {
            case 0: // truncation
                return text[..at];
            case 1: // deletion of a span
                return text.Remove(Math.Min(at, text.Length), Math.Min(random.Next(1, 30), text.Length - Math.Min(at, text.Length)));
            case 2: // duplication of a line
                var lines = text.Split('\n').ToList();
                var line = random.Next(lines.Count);
                lines.Insert(line, lines[line]);
                return string.Join('\n', lines);
            case 3: // a token inserted
                return text.Insert(at, Tokens[random.Next(Tokens.Length)]);
            case 4: // a bracket flipped or deleted
                var brackets = Enumerable.Range(0, text.Length).Where(i => text[i] is '{' or '}' or '[' or ']').ToList();
                if (brackets.Count == 0) return text;
                var b = brackets[random.Next(brackets.Count)];
                var flipped = random.Next(3) switch { 0 => "", 1 => text[b] switch { '{' => "[", '[' => "{", '}' => "]", _ => "}" }, _ => text[b] + "" + text[b] };
                return text[..b] + flipped + text[(b + 1)..];
            case 5: // deep nesting, balanced or not
                var depth = random.Next(1, 400);
                var open = random.Next(2) == 0 ? "[" : "{ a = ";
                var close = open == "[" ? "]" : "}";
                return text.Insert(at, string.Concat(Enumerable.Repeat(open, depth)) + "1" + (random.Next(3) == 0 ? "" : string.Concat(Enumerable.Repeat(close, depth))));
            case 6: // a huge string, quoted or not
                var huge = new string((char)('a' + random.Next(26)), random.Next(1_000, 300_000));
                return text.Insert(at, random.Next(2) == 0 ? $"\"{huge}\"" : huge);
            case 7: // control characters
                return text.Insert(at, ((char)random.Next(0, 32)).ToString());
            case 8: // a character replaced by any other
                if (at >= text.Length) return text;
                return text[..at] + (char)random.Next(1, 0x3000) + text[(at + 1)..];
            default: // two pieces swapped
                var cut = random.Next(text.Length + 1);
                return text[cut..] + text[..cut];
        }
    }

    public enum Outcome { Accepted, Rejected, Hang, Crash }

    /// <summary>Runs <paramref name="read"/> under the watchdog: a hang is reported, not waited for.</summary>
    public static (Outcome Outcome, Exception? Error) Run(Action read)
    {
        var task = Task.Factory.StartNew(read, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        try
        {
            if (!task.Wait(Watchdog)) return (Outcome.Hang, null);
            return (Outcome.Accepted, null);
        }
        catch (AggregateException e)
        {
            return (Outcome.Rejected, e.InnerException);
        }
    }

    /// <summary>Why a refusal's message is not acceptable (several lines, too long, unescaped), or null.</summary>
    public static string? MessageProblem(string message, int maxLineLength = 1_200)
    {
        foreach (var line in message.Split(Environment.NewLine))
        {
            if (line.Length > maxLineLength) return $"a line of {line.Length} characters";
            if (line.Any(c => Excerpt.IsUnsafe(c))) return "an unescaped control character";
        }
        return null;
    }

    public static bool HasLineAndColumn(string message) => LineColumn().IsMatch(message);

    [GeneratedRegex(@"line \d+, column \d+")]
    private static partial Regex LineColumn();

    /// <summary>Counts of each outcome, with a few examples of each failure.</summary>
    public sealed class Tally
    {
        private readonly Dictionary<string, int> _counts = new(StringComparer.Ordinal);
        private readonly List<string> _failures = [];

        public int this[string outcome] => _counts.GetValueOrDefault(outcome);

        public void Count(string outcome) => _counts[outcome] = this[outcome] + 1;

        public void Fail(string kind, string input, string detail)
        {
            Count(kind);
            if (this[kind] > 3) return;
            // A few examples of each kind; hangs and crashes are also saved whole (they go into bug reports).
            var saved = kind is "hangs" or "crashes" ? Save(kind, input) : null;
            _failures.Add($"{kind}: {detail} — input {Excerpt.Of(input, 200)}{(saved is null ? "" : $" (whole input: {saved})")}");
        }

        public IReadOnlyList<string> Failures => _failures;

        private static string Save(string kind, string input)
        {
            var directory = Path.Combine(Path.GetTempPath(), "vmplant-fuzz-findings");
            Directory.CreateDirectory(directory);
            var file = Path.Combine(directory, $"{kind}-seed{FuzzSeed}-{Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(input)))[..12]}.txt");
            File.WriteAllText(file, input);
            return file;
        }

        public override string ToString() =>
            string.Join(", ", new[] { "tried", "accepted", "rejected", "hangs", "crashes", "inexact", "unclear" }.Select(k => $"{k} {this[k]:N0}"));
    }

    public static string Describe(Exception e) => $"{e.GetType().Name}: {Excerpt.Line(e.Message, 300)}";

    public static string Utf8Bytes(string text) => $"{Encoding.UTF8.GetByteCount(text):N0} bytes";
}
