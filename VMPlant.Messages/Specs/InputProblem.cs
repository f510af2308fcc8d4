namespace VMPlant.Messages.Specs;

/// <summary>Where input text goes wrong (1-based line and column) and what is wrong there.</summary>
public sealed record InputProblem(int Line, int Column, string Problem)
{
    public override string ToString() => $"line {Line}, column {Column}: {Problem}";

    internal static InputProblem At(string text, int index, string problem)
    {
        int line = 1, column = 1;
        for (var i = 0; i < index && i < text.Length; i++)
        {
            if (text[i] == '\n') { line++; column = 1; }
            else column++;
        }
        return new InputProblem(line, column, $"{problem} (near {Excerpt.Around(text, index)})");
    }
}
