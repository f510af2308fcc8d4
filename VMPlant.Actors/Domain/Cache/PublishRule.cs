namespace VMPlant.Actors.Domain;

/// <summary>When a plant turns a VM it has just built into a new golden image.</summary>
public enum PublishRule
{
    /// <summary>Whenever no image with the same action set is cached.</summary>
    Always,
    Never,
    /// <summary>When no image with the same action set is cached and the work done after cloning reached <see cref="CachePolicy.MinSavedCost"/>.</summary>
    WhenWorthIt,
}
