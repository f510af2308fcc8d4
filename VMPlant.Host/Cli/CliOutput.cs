using System.Text.Json;
using VMPlant.Messages.Specs;

namespace VMPlant.Host.Cli;

/// <summary>
/// Where a verb's result goes. Errors are one escaped line on stderr ("error: …"); with --json stdout carries
/// exactly one JSON document whatever happens: the answer, or <c>{"error": …, "exitCode": …}</c>.
/// </summary>
public sealed class CliOutput(bool json)
{
    public async Task<int> AnswerAsync(object answer)
    {
        var refused = Output.IsRefusal(answer);
        if (json) Console.Out.WriteLine(Output.ToJson(answer));
        if (!refused)
        {
            if (!json) Console.Out.WriteLine(Output.Render(answer));
            return ExitCodes.Ok;
        }
        // The refusal's first line is the error; details (e.g. every plant's bid) follow on stdout in text mode.
        var text = Output.Render(answer).Split('\n', 2);
        await Console.Error.WriteLineAsync(Excerpt.Line(text[0], 2000));
        if (!json && text.Length > 1) Console.Out.WriteLine(text[1]);
        return ExitCodes.Refused;
    }

    public async Task<int> ErrorAsync(int exitCode, string message)
    {
        // A spec with several problems lists one per line; each line is escaped and bounded.
        var lines = message.Split('\n').Select(line => Excerpt.Line(line.TrimEnd('\r'), 1000)).ToList();
        await Console.Error.WriteLineAsync("error: " + string.Join(Environment.NewLine, lines));
        if (json)
            Console.Out.WriteLine(JsonSerializer.Serialize(new { error = string.Join(" ", lines.Select(l => l.Trim())), exitCode },
                new JsonSerializerOptions { WriteIndented = true }));
        return exitCode;
    }
}
