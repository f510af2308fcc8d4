using Akka.Configuration.Hocon;

namespace VMPlant.Messages.Specs;

/// <summary>
/// Reads values out of Akka's HOCON tree. Akka's <c>IsArray()</c> is false for an empty list and <c>[ ]</c> parses as a list
/// holding one empty value, so shapes are worked out here from the raw elements instead.
/// Call only on a tree that <see cref="HoconDocument"/> has checked for substitution cycles.
/// </summary>
internal static class HoconValues
{
    public static HoconShape ShapeOf(HoconValue? value)
    {
        if (value is null || value.Values.Count == 0)
            return HoconShape.Missing;

        var shapes = value.Values.Select(ElementShape).Where(s => s != HoconShape.Missing).Distinct().ToList();
        if (shapes.Count == 0)
            return value.Values.Any(e => e is HoconLiteral) ? ScalarShape(value) : HoconShape.Missing;
        if (shapes.Count > 1)
            return HoconShape.Mixed;
        return shapes[0] == HoconShape.Scalar ? ScalarShape(value) : shapes[0];
    }

    /// <summary>The text of a <see cref="HoconShape.Scalar"/> value.</summary>
    /// <remarks>A single literal is taken as written: Akka's <c>GetString()</c> trims, so <c>" x "</c> would lose its spaces.</remarks>
    public static string ScalarText(HoconValue value) =>
        SoleLiteral(value) ?? value.GetString() ?? throw new InvalidOperationException("The value is null, not a scalar.");

    /// <summary>The one literal with content when every other element is whitespace Akka kept between tokens.</summary>
    private static string? SoleLiteral(HoconValue value)
    {
        if (!value.Values.All(e => e is HoconLiteral)) return null;
        var withContent = value.Values.Cast<HoconLiteral>().Where(l => !string.IsNullOrWhiteSpace(l.Value)).ToList();
        return withContent is [{ Value: var text }] ? text : null;
    }

    /// <summary>The items of a <see cref="HoconShape.List"/> value, concatenations flattened.</summary>
    public static IReadOnlyList<HoconValue> ListItems(HoconValue value)
    {
        var items = new List<HoconValue>();
        foreach (var element in value.Values)
        {
            switch (element)
            {
                case HoconArray array:
                    items.AddRange(array.Where(item => item.Values.Count > 0));
                    break;
                case HoconSubstitution { ResolvedValue: { } resolved } when ShapeOf(resolved) == HoconShape.List:
                    items.AddRange(ListItems(resolved));
                    break;
            }
        }
        return items;
    }

    /// <summary>The fields of an <see cref="HoconShape.Object"/> value, in the order they were written.</summary>
    public static IReadOnlyList<KeyValuePair<string, HoconValue>> ObjectFields(HoconValue value) =>
        value.GetObject().Items.ToList();

    private static HoconShape ElementShape(IHoconElement element) => element switch
    {
        HoconLiteral literal => string.IsNullOrWhiteSpace(literal.Value) ? HoconShape.Missing : HoconShape.Scalar,
        HoconArray => HoconShape.List,
        HoconObject => HoconShape.Object,
        HoconSubstitution { ResolvedValue: { } resolved } => ShapeOf(resolved),
        _ => HoconShape.Missing,
    };

    private static HoconShape ScalarShape(HoconValue value) =>
        value.GetString() is null ? HoconShape.Null : HoconShape.Scalar;
}
