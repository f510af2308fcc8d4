using System.Diagnostics;
using Akka.Configuration;
using CsCheck;
using VMPlant.Host.Configuration;
using VMPlant.Messages.Specs;
using VMPlant.Tests.Support;
using Xunit;
using Xunit.Abstractions;
using static VMPlant.Tests.Messages.HoconInputFuzz;

namespace VMPlant.Tests.Messages;

/// <summary>
/// Fuzz suite for `--config` files (issue 10): mutations of hocon/vmplant.conf and of small operator files are
/// loaded as a node would load them (NodeConfig over the defaults, then every settings section). Each is
/// accepted, or refused with a one-line ConfigurationException / spec error, in bounded time; never a hang or
/// another exception (a stack trace for the operator).
/// </summary>
public sealed class ConfigReaderFuzzSpec(ITestOutputHelper output) : IDisposable
{
    private const int MutatedInputs = 1_000;
    private readonly TempDirectory _dir = new("vmplant-config-fuzz");

    private static readonly string[] OperatorFiles =
    [
        "vmplant.node.port = 4999\nvmplant.plants = [ { name = one, seed-images = [ ] } ]\n",
        "vmplant { client { request-timeout = 10s, contact-points = [\"akka.tcp://vmplant@127.0.0.1:4999/system/receptionist\"] } }\n",
        "vmplant.plant-defaults.cache { publish = never, max-images = 3 }\nvmplant.limits.actions-per-spec = 50\n",
        "{{{{", "seed-images = [ ]", "x = [ y = 1 ]",
    ];

    [Fact]
    public void Mutated_config_files_load_or_are_refused_in_one_line_in_bounded_time()
    {
        CopyDir(RepoPaths.Examples, Path.Combine(_dir.Path, "examples"));
        var bases = OperatorFiles.Append(File.ReadAllText(Path.Combine(RepoPaths.Root, "hocon", "vmplant.conf"))).ToList();
        var tally = new Tally();
        var clock = Stopwatch.StartNew();
        var file = Path.Combine(_dir.Path, "node.conf");
        foreach (var text in OperatorFiles.Concat(KnownAkkaHangs)) Check(file, text, tally);
        foreach (var (which, mutation) in MutationPlan(bases.Count, MutatedInputs))
        {
            if (tally["hangs"] > 0) break;
            Check(file, Mutate(bases[which], mutation), tally);
        }

        var line = $"config reader, mutated inputs (seed {FuzzSeed}): {tally} in {clock.Elapsed.TotalSeconds:0.0} s";
        output.WriteLine(line);
        Console.WriteLine(line);
        foreach (var failure in tally.Failures) output.WriteLine("  " + failure);
        Assert.True(tally["hangs"] == 0 && tally["crashes"] == 0 && tally["unclear"] == 0, $"{line}\n{string.Join("\n", tally.Failures)}");
    }

    private static void Check(string file, string text, Tally tally)
    {
        tally.Count("tried");
        File.WriteAllText(file, text);
        var (outcome, error) = Run(() =>
        {
            var config = NodeConfig.Load(file);
            SettingsReader.Node(config);
            SettingsReader.Shop(config);
            SettingsReader.Plants(config);
            InputLimits.FromConfig(config);
        });
        switch (outcome)
        {
            case Outcome.Accepted:
                tally.Count("accepted");
                break;
            case Outcome.Hang:
                tally.Fail("hangs", text, "no answer within the watchdog");
                break;
            case Outcome.Rejected when error is ConfigurationException or SpecValidationException or InputFileException:
                tally.Count("rejected");
                if (MessageProblem(error.Message) is { } problem) tally.Fail("unclear", text, $"{problem}: {Describe(error)}");
                break;
            default:
                tally.Fail("crashes", text, Describe(error!));
                break;
        }
    }

    private static void CopyDir(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var f in Directory.GetFiles(from)) File.Copy(f, Path.Combine(to, Path.GetFileName(f)), overwrite: true);
    }

    public void Dispose() => _dir.Dispose();
}
