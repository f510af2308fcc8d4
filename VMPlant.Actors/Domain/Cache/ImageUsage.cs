namespace VMPlant.Actors.Domain;

/// <summary>How often and how lately a cached image was cloned. A new image has no hits and was last used when created.</summary>
public readonly record struct ImageUsage(long Hits, DateTimeOffset LastUsed);
