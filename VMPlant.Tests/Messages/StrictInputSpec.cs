using System.Diagnostics;
using Akka.Configuration;
using VMPlant.Host.Configuration;
using VMPlant.Messages.Specs;
using VMPlant.Tests.Support;
using Xunit;

namespace VMPlant.Tests.Messages;

/// <summary>The cases of issue 10, one by one: every spec and config file is read exactly or refused in one line with a position.</summary>
public sealed class StrictInputSpec : IDisposable
{
    private readonly TempDirectory _dir = new("vmplant-strict");

    private static string Example(string name) => File.ReadAllText(Path.Combine(RepoPaths.Examples, name));

    private static SpecValidationException Refused(string text, InputLimits? limits = null)
    {
        var error = Assert.Throws<SpecValidationException>(() => VmSpecParser.Parse(text, "t.conf", limits));
        Assert.DoesNotContain('\n', error.Message);
        Assert.True(error.Message.Length < 600, error.Message);
        Assert.DoesNotContain(error.Message, c => Excerpt.IsUnsafe(c));
        return error;
    }

    public static TheoryData<string> AkkaHangs() => new(HoconInputFuzz.KnownAkkaHangs);

    [Theory]
    [MemberData(nameof(AkkaHangs))]
    public void Inputs_that_hang_akkas_parser_are_refused_with_their_position(string text)
    {
        var error = Refused(text);
        Assert.Matches(@"line \d+, column \d+: ('[=:]' inside a list|.*closes the|'\]' without|a second '[=:]' in one field|'=' without a key|'.' is reserved in unquoted HOCON text|'\{' where a key belongs|empty substitution|'.' inside a substitution)", error.Message);
    }

    [Theory]
    [InlineData("name = \"a\\yb\"", "unknown escape '\\y'")]
    [InlineData("name = \"a\\u12\"", "unknown escape '\\u'")]
    [InlineData("x = ${}", "empty substitution")]
    [InlineData("x = ${ a = [ }", "'=' inside a substitution")]
    public void Escapes_and_substitutions_akka_reports_without_a_position_are_refused_with_one(string text, string problem)
    {
        var error = Refused(text);
        Assert.Matches(@"line 1, column \d+: ", error.Message);
        Assert.Contains(problem, error.Message);
    }

    [Fact]
    public void A_truncated_spec_is_refused_not_built()
    {
        var error = Refused(Example("debian-mpi.conf")[..400]);
        Assert.Contains("is never closed", error.Message);
    }

    [Theory]
    [InlineData("]]]}}}", "without a matching")]
    [InlineData("\nextra = \"unterminated", "unterminated string")]
    [InlineData("\nx = ${name", "unterminated substitution")]
    public void Broken_endings_are_refused(string appended, string problem) =>
        Assert.Contains(problem, Refused(Example("debian-mpi.conf") + appended).Message);

    [Fact]
    public void A_deleted_closing_brace_does_not_swallow_an_action()
    {
        var text = Example("debian-mpi.conf");
        var brace = text.IndexOf('}', text.IndexOf("actions", StringComparison.Ordinal));
        Assert.Matches("line \\d+, column \\d+", Refused(text.Remove(brace, 1)).Message);
    }

    [Fact]
    public void Text_after_a_braced_document_is_refused() =>
        Assert.Contains("after the end of the document", Refused("{ name = a }\nname = b").Message);

    [Fact]
    public void An_arg_nested_100000_deep_is_refused_before_parsing_without_overflowing_the_stack()
    {
        var deep = new string('[', 100_000) + new string(']', 100_000);
        var clock = Stopwatch.StartNew();
        var error = Refused($"name = a\nresources {{ vcpus = 1, memory-mib = 64, disk-gib = 1 }}\nactions = [ {{ id = a, kind = x, args = {{ a = {deep} }} }} ]",
            InputLimits.Default with { SpecBytes = 1_000_000 });
        Assert.Contains("nested more than 32 levels deep", error.Message);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10));
    }

    [Fact]
    public void A_megabyte_kind_is_refused_by_size_and_by_string_length_with_a_short_excerpt()
    {
        var kind = new string('k', 1_000_000);
        var text = $"name = a\nresources {{ vcpus = 1, memory-mib = 64, disk-gib = 1 }}\nactions = [ {{ id = a, kind = {kind} }} ]";
        Assert.Contains("vmplant.limits.spec-bytes", Refused(text).Message);
        var error = Refused(text, InputLimits.Default with { SpecBytes = 2_000_000 });
        Assert.Contains("1,000,000 characters long, over the limit of 1,024 (vmplant.limits.string-length)", error.Message);
    }

    [Fact]
    public void Control_characters_are_refused_and_never_echoed()
    {
        var error = Refused("name = \"a\u001b[31mred\"\nresources { vcpus = 1, memory-mib = 64, disk-gib = 1 }\nactions = []");
        Assert.Contains("U+001B", error.Message);
    }

    [Fact]
    public void Actions_and_args_beyond_their_limits_are_refused_naming_the_limit()
    {
        var limits = InputLimits.Default with { ActionsPerSpec = 3, ArgDepth = 2, ArgBytes = 100 };
        var many = string.Join("\n", Enumerable.Range(0, 4).Select(i => $"{{ id = a{i}, kind = x }}"));
        const string head = "name = a\nresources { vcpus = 1, memory-mib = 64, disk-gib = 1 }\n";
        Assert.Contains("4 actions, over the limit of 3 (vmplant.limits.actions-per-spec)", Refused($"{head}actions = [\n{many}\n]", limits).Message);
        Assert.Contains("vmplant.limits.arg-depth", Refused($"{head}actions = [ {{ id = a, kind = x, args = {{ a = [[[1]]] }} }} ]", limits).Message);
        Assert.Contains("vmplant.limits.arg-bytes", Refused($"{head}actions = [ {{ id = a, kind = x, args = {{ a = [{string.Join(",", Enumerable.Repeat("abcdefgh", 20))}] }} }} ]", limits).Message);
    }

    [Fact]
    public void The_examples_still_read()
    {
        foreach (var file in Directory.GetFiles(RepoPaths.Examples, "*.conf").Where(f => !f.EndsWith("mpi-node-add-tools.conf")))
            Assert.NotEmpty(VmSpecParser.ParseFile(file).Actions);
    }

    [Fact]
    public void Directories_fifos_and_devices_are_refused_before_they_are_read()
    {
        Assert.Contains("is a directory", Assert.Throws<InputFileException>(() => VmSpecParser.ParseFile(_dir.Path)).Message);
        Assert.Contains("is a character device", Assert.Throws<InputFileException>(() => VmSpecParser.ParseFile("/dev/zero")).Message);
        var fifo = Path.Combine(_dir.Path, "fifo");
        using (var mkfifo = Process.Start("mkfifo", fifo)) mkfifo.WaitForExit();
        Assert.Contains("is a FIFO", Assert.Throws<InputFileException>(() => VmSpecParser.ParseFile(fifo)).Message);
        Assert.Contains("does not exist", Assert.Throws<InputFileException>(() => VmSpecParser.ParseFile(Path.Combine(_dir.Path, "nope.conf"))).Message);
    }

    [Fact]
    public void A_file_over_the_size_limit_is_refused_without_reading_it_all()
    {
        var big = Path.Combine(_dir.Path, "big.conf");
        File.WriteAllText(big, new string('#', 300_000));
        Assert.Contains("300,000 bytes, over the limit of 262,144 bytes (vmplant.limits.spec-bytes)",
            Assert.Throws<InputFileException>(() => VmSpecParser.ParseFile(big)).Message);
    }

    [Theory]
    [InlineData("{{{{", "'{' where a key belongs")]
    [InlineData("x = [ y = 1 ]", "'=' inside a list")]
    [InlineData("vmplant.node.port = 4053 }", "without a matching")]
    public void Config_files_are_prescanned_like_specs(string text, string problem)
    {
        var file = Path.Combine(_dir.Path, "node.conf");
        File.WriteAllText(file, text);
        var error = Assert.Throws<ConfigurationException>(() => NodeConfig.Load(file));
        Assert.Matches($"node.conf\": line \\d+, column \\d+: .*{System.Text.RegularExpressions.Regex.Escape(problem)}", error.Message);
    }

    [Fact]
    public void An_empty_seed_image_list_written_with_a_space_means_no_seed_images()
    {
        var file = Path.Combine(_dir.Path, "node.conf");
        File.WriteAllText(file, "vmplant.plants = [ { name = one, seed-images = [ ] } ]\nvmplant.node.data-dir = \"" + _dir.Path + "\"");
        var plant = Assert.Single(SettingsReader.Plants(NodeConfig.Load(file)));
        Assert.Empty(plant.SeedImages);
    }

    [Fact]
    public void A_config_directory_or_device_is_refused_in_one_line()
    {
        Assert.Contains("is a directory", Assert.Throws<ConfigurationException>(() => NodeConfig.Load(_dir.Path)).Message);
        Assert.Contains("is a character device", Assert.Throws<ConfigurationException>(() => NodeConfig.Load("/dev/zero")).Message);
    }

    [Fact]
    public void Errors_quote_only_a_short_escaped_excerpt()
    {
        var name = new string('n', 100_000) + "\u0007";
        Assert.True(Excerpt.Of(name).Length < 80);
        Assert.DoesNotContain('\u0007', Excerpt.Of("bell\u0007"));
        Assert.Equal("\"bell\\u0007\"", Excerpt.Of("bell\u0007"));
    }

    public void Dispose() => _dir.Dispose();
}
