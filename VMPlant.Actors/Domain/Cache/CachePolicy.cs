namespace VMPlant.Actors.Domain;

/// <summary>How a plant's golden-image cache grows and shrinks.</summary>
/// <param name="MinSavedCost">For <see cref="PublishRule.WhenWorthIt"/>: seconds of work the new image must save at least.</param>
/// <param name="MaxImages">At most this many images, base image included.</param>
/// <param name="MaxBytes">At most this many bytes of images, base image included.</param>
/// <param name="PublishCore">Also checkpoint a build's <see cref="CoreImage"/> part-way, under the same publish rule.</param>
public sealed record CachePolicy(PublishRule Publish, double MinSavedCost, int MaxImages, long MaxBytes, bool PublishCore = true)
{
    public PublishRule Publish { get; init; } = Enum.IsDefined(Publish)
        ? Publish : throw new ArgumentOutOfRangeException(nameof(Publish), Publish, "Unknown publish rule.");

    public double MinSavedCost { get; init; } = double.IsFinite(MinSavedCost) && MinSavedCost >= 0
        ? MinSavedCost : throw new ArgumentOutOfRangeException(nameof(MinSavedCost), MinSavedCost, "Must be finite and non-negative.");

    public int MaxImages { get; init; } = MaxImages >= 1
        ? MaxImages : throw new ArgumentOutOfRangeException(nameof(MaxImages), MaxImages, "Room for the base image at least.");

    public long MaxBytes { get; init; } = MaxBytes >= 1
        ? MaxBytes : throw new ArgumentOutOfRangeException(nameof(MaxBytes), MaxBytes, "Must be positive.");
}
