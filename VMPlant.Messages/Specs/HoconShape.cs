namespace VMPlant.Messages.Specs;

/// <summary>What a HOCON value turned out to be once Akka's parse quirks are smoothed over.</summary>
internal enum HoconShape
{
    /// <summary>Absent, or present with nothing in it.</summary>
    Missing,
    /// <summary>The literal <c>null</c> (Akka's parser also reads a quoted "null" this way).</summary>
    Null,
    /// <summary>A string, number or boolean; HOCON keeps them all as text.</summary>
    Scalar,
    List,
    Object,
    /// <summary>A concatenation of different shapes, e.g. <c>[1] 2</c>.</summary>
    Mixed,
}
