namespace VMPlant.Actors.Domain;

/// <summary>How often and how recently an image was reused: the eviction policy's evidence.</summary>
public sealed record ImageUsage(string ImageId, long Hits, DateTimeOffset LastUsed);
