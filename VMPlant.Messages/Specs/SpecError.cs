namespace VMPlant.Messages.Specs;

/// <summary>
/// One problem found in a VM spec: where it is and what is wrong.
/// </summary>
/// <param name="ActionId">
/// The action the problem belongs to, or <c>null</c> for spec-level fields (name, resources, actions).
/// An action without a usable id is named by its 1-based position, e.g. <c>#3</c>
/// (valid ids cannot start with '#', so the two never clash).
/// </param>
/// <param name="Field">The field, e.g. <c>after</c>, <c>cost</c>, <c>resources.vcpus</c>; empty for the action as a whole.</param>
/// <param name="Problem">What is wrong, in words.</param>
public sealed record SpecError(string? ActionId, string Field, string Problem)
{
    /// <summary><c>actions[mpi].after</c>, <c>actions[#2].id</c>, <c>resources.vcpus</c>, <c>actions[b]</c>.</summary>
    public string Path =>
        ActionId is null ? Field
        : Field.Length == 0 ? $"actions[{ActionId}]"
        : $"actions[{ActionId}].{Field}";

    /// <summary>The full text, e.g. <c>actions[mpi].after: unknown action 'foo'</c>: one line, escaped and cut short.</summary>
    public string Message => $"{Excerpt.Line(Path, 120)}: {Excerpt.Line(Problem, 400)}";

    public override string ToString() => Message;

    public static SpecError ForSpec(string field, string problem) => new(null, field, problem);

    public static SpecError ForAction(string actionRef, string field, string problem) => new(actionRef, field, problem);
}
