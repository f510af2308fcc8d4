namespace VMPlant.Actors.Domain;

/// <summary>A spec (or actions file) that cannot be accepted; the message lists every problem found.</summary>
public sealed class SpecValidationException : Exception
{
    public SpecValidationException(string message) : base(message)
    {
        Errors = [message];
    }

    public SpecValidationException(IReadOnlyList<string> errors)
        : base(errors.Count == 1 ? errors[0] : $"{errors.Count} problems: " + string.Join("; ", errors))
    {
        Errors = errors;
    }

    public IReadOnlyList<string> Errors { get; }
}
