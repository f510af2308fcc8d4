namespace VMPlant.Messages.Specs;

/// <summary>A VM spec (or an actions file) could not be read or is not valid. Carries every problem found, not just the first.</summary>
public sealed class SpecValidationException : Exception
{
    public SpecValidationException(string? sourceName, IReadOnlyList<SpecError> errors)
        : base(Describe(sourceName, errors))
    {
        SourceName = sourceName;
        Errors = errors;
    }

    /// <summary>Bad input that is not one spec field's fault (a workload file, a command-line value): the message says it all.</summary>
    public SpecValidationException(string message) : base(message)
    {
        Errors = [new SpecError(null, "", message)];
    }

    /// <summary>Several such problems, one per line.</summary>
    public SpecValidationException(IReadOnlyList<string> messages) : base(string.Join(Environment.NewLine, messages))
    {
        Errors = messages.Select(m => new SpecError(null, "", m)).ToList();
    }

    /// <summary>The file or other origin of the text, when the spec came from text; <c>null</c> for a spec checked in memory.</summary>
    public string? SourceName { get; }

    public IReadOnlyList<SpecError> Errors { get; }

    private const int MaxListed = 20;

    private static string Describe(string? sourceName, IReadOnlyList<SpecError> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (errors.Count == 0)
            throw new ArgumentException("A validation failure needs at least one error.", nameof(errors));
        var header = sourceName is null ? "invalid VM spec:" : $"invalid VM spec in {Excerpt.Of(sourceName, 120)}:";
        // One problem stays on one line, so the CLI's error is a single line too; many are listed up to a point.
        if (errors.Count == 1) return $"{header} {errors[0].Message}";
        var listed = string.Concat(errors.Take(MaxListed).Select(e => Environment.NewLine + "  - " + e.Message));
        return header + listed + (errors.Count > MaxListed ? $"{Environment.NewLine}  … and {errors.Count - MaxListed} more" : "");
    }
}
