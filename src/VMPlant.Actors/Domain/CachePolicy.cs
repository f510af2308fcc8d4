namespace VMPlant.Actors.Domain;

public enum PublishRule
{
    Always,
    Never,
    /// <summary>Publish when the build performed at least <see cref="CachePolicy.MinSavedCost"/> seconds of work.</summary>
    WhenWorthIt,
}

/// <summary>When a plant saves a built VM as a golden image, and how much it may keep.</summary>
public sealed record CachePolicy(PublishRule Publish, double MinSavedCost, int MaxImages, long MaxBytes);
