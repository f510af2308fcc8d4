using System.Collections.Immutable;
using System.Diagnostics;
using CsCheck;
using VMPlant.Messages;
using VMPlant.Messages.Specs;
using Xunit;
using Xunit.Abstractions;
using static VMPlant.Tests.Messages.HoconInputFuzz;

namespace VMPlant.Tests.Messages;

/// <summary>
/// Property and fuzz suite for the spec reader (issue 10): thousands of mutated example specs and generated specs.
/// Each input is parsed exactly (the spec written back and read again is the same spec; every id and kind is in
/// the text) or rejected with a position (a line and column, or the field at fault) in one bounded line each, in
/// bounded time (a watchdog turns a hang into a failure instead of a stuck CI). The tally is printed.
/// </summary>
public sealed class SpecReaderFuzzSpec(ITestOutputHelper output)
{
    private const int MutatedInputs = 3_000;
    private const int GeneratedSpecs = 1_000;

    [Fact]
    public void Mutated_example_specs_are_read_exactly_or_rejected_with_a_position_in_bounded_time()
    {
        var examples = ExampleTexts().Concat(KnownAkkaHangs).ToList();
        var tally = new Tally();
        var clock = Stopwatch.StartNew();
        foreach (var hang in KnownAkkaHangs) Check(hang, tally);
        foreach (var (which, mutation) in MutationPlan(examples.Count, MutatedInputs))
        {
            if (tally["hangs"] > 0) break;
            Check(Mutate(examples[which], mutation), tally);
        }
        Report($"spec reader, mutated inputs (seed {FuzzSeed})", tally, clock.Elapsed);
    }

    [Fact]
    public void Generated_specs_written_as_hocon_read_back_exactly()
    {
        var tally = new Tally();
        var clock = Stopwatch.StartNew();
        Specs.Sample(spec =>
        {
            var text = SpecText.ToHocon(spec);
            tally.Count("tried");
            var (outcome, error) = Run(() => Assert.Equal(SpecText.Canonical(spec), SpecText.Canonical(VmSpecParser.Parse(text, "generated.conf"))));
            switch (outcome)
            {
                case Outcome.Accepted: tally.Count("accepted"); break;
                case Outcome.Hang: tally.Fail("hangs", text, "no answer within the watchdog"); break;
                default: tally.Fail(error is SpecValidationException ? "rejected" : "inexact", text, Describe(error!)); break;
            }
        }, iter: GeneratedSpecs, threads: 1);
        Report("spec reader, generated specs", tally, clock.Elapsed);
        Assert.Equal(GeneratedSpecs, tally["accepted"]);
    }

    private static void Check(string text, Tally tally)
    {
        tally.Count("tried");
        VmSpec? parsed = null;
        var (outcome, error) = Run(() => parsed = VmSpecParser.Parse(text, "fuzz.conf"));
        switch (outcome)
        {
            case Outcome.Hang:
                tally.Fail("hangs", text, $"no answer within {Watchdog.TotalSeconds:0}s");
                return;
            case Outcome.Rejected when error is SpecValidationException rejection:
                tally.Count("rejected");
                if (MessageProblem(rejection.Message) is { } problem) tally.Fail("unclear", text, $"{problem}: {Describe(rejection)}");
                // A position: a line and column, the field at fault, or the size limit the whole text broke.
                else if (!rejection.Errors.All(e => HasLineAndColumn(e.Problem) || e.Path is { Length: > 0 } and not "hocon"
                                                     || e.Problem.Contains("(vmplant.limits.", StringComparison.Ordinal)))
                    tally.Fail("unclear", text, $"no position: {Describe(rejection)}");
                return;
            case Outcome.Rejected:
                tally.Fail("crashes", text, Describe(error!));
                return;
        }

        tally.Count("accepted");
        var spec = parsed!;
        var missing = spec.Actions.SelectMany(a => new[] { a.Id, a.Kind }).Append(spec.Name).FirstOrDefault(word => !text.Contains(word, StringComparison.Ordinal));
        if (missing is not null)
        {
            tally.Fail("inexact", text, $"{Excerpt.Of(missing)} is not in the text");
            return;
        }
        var again = Run(() => Assert.Equal(SpecText.Canonical(spec), SpecText.Canonical(VmSpecParser.Parse(SpecText.ToHocon(spec), "again.conf"))));
        if (again.Outcome != Outcome.Accepted) tally.Fail("inexact", text, again.Error is null ? "hang on write-back" : Describe(again.Error));
    }

    private void Report(string what, Tally tally, TimeSpan elapsed)
    {
        var line = $"{what}: {tally} in {elapsed.TotalSeconds:0.0} s";
        output.WriteLine(line);
        Console.WriteLine(line);
        foreach (var failure in tally.Failures) output.WriteLine("  " + failure);
        Assert.True(tally["hangs"] == 0 && tally["crashes"] == 0 && tally["inexact"] == 0 && tally["unclear"] == 0,
            $"{line}\n{string.Join("\n", tally.Failures)}");
    }

    private static readonly Gen<string> Word = Gen.String[Gen.Char["abcdefghijklmnopqrstuvwxyz0123456789-"], 1, 12]
        .Where(w => char.IsAsciiLetterOrDigit(w[0]) && w != "null" && w != "true" && w != "false");

    /// <summary>Any text, including quotes, backslashes, dollars, braces and non-ASCII (but no control characters).</summary>
    private static readonly Gen<string> AnyText = Gen.String[Gen.Char[' ', '\u07ff'].Where(c => !Excerpt.IsUnsafe(c)), 0, 40]
        // Whitespace-only strings are left out: Akka's tree cannot tell "  " from the spacing between tokens (see the report).
        .Where(t => t != "null" && (t.Length == 0 || !string.IsNullOrWhiteSpace(t)));

    private static readonly Gen<string> ArgValue = Gen.Frequency(
        (4, AnyText.Where(t => t.Length == 0 || t[0] is not '[' and not '{')),
        (1, Gen.Int.Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture))),
        (1, AnyText.Array[0, 4].Select(items => System.Text.Json.JsonSerializer.Serialize(items,
            new System.Text.Json.JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))));

    private static readonly Gen<ActionSpec> Action = Gen.Select(
        Word, Gen.OneOf("install-os", "install-package", "copy-file", "run-script", "set-property", "custom-kind"),
        Gen.Select(AnyText.Where(k => k.Length > 0 && !k.Contains('"') && !k.Contains('\\')), ArgValue).Array[0, 4],
        Gen.Double[0, 100_000],
        (id, kind, args, cost) => new ActionSpec(id, kind,
            args.GroupBy(a => a.Item1).ToImmutableSortedDictionary(g => g.Key, g => g.First().Item2, StringComparer.Ordinal),
            [], Math.Round(cost, 3)));

    /// <summary>Specs with unique ids, each action after some earlier ones.</summary>
    private static readonly Gen<VmSpec> Specs = Gen.Select(Word, Action.Array[1, 12], Gen.Int[0, 1000], (name, actions, seed) =>
    {
        var random = new Random(seed);
        var unique = actions.GroupBy(a => a.Id).Select(g => g.First()).ToList();
        var withAfter = unique.Select((a, i) => a with
        {
            After = unique.Take(i).Where(_ => random.Next(3) == 0).Select(p => p.Id).ToImmutableArray(),
        });
        return new VmSpec(name, new Resources(1 + random.Next(64), 16 + random.Next(100_000), 1 + random.Next(500)), withAfter.ToImmutableArray());
    });
}
