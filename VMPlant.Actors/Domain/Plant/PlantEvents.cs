using System.Collections.Immutable;
using VMPlant.Actors.Serialization;
using VMPlant.Messages;

namespace VMPlant.Actors.Domain;

/// <summary>Where a golden image came from.</summary>
public enum ImageOrigin
{
    /// <summary>Saved from a VM this plant built.</summary>
    Built,
    /// <summary>Imported by the operator (seed-images in the plant's configuration).</summary>
    Seeded,
}

/// <summary>A golden image as the journal records it: its volume and the identities of the actions it holds.</summary>
public sealed record ImageRecord(
    string ImageId,
    string Volume,
    ImmutableArray<PerformedAction> Actions,
    double BuildCost,
    long SizeBytes,
    DateTimeOffset CreatedAt,
    ImageOrigin Origin);

/// <summary>The plant took an award: capacity is reserved from now on.</summary>
[EventVersion(1)]
public sealed record VmReserved(
    string RequestId,
    string VmId,
    VmSpec Spec,
    string ImageId,
    DateTimeOffset At) : IVmPlantEvent;

/// <summary>The VM runs with these actions performed; <see cref="Report"/> is what the requester is told.</summary>
/// <remarks>
/// The build's use of a cached image is journaled with it (<see cref="ImageHitAt"/>), one event fewer per build; older
/// journals have a separate <see cref="ImageHit"/> after it instead.
/// </remarks>
[EventVersion(1)]
public sealed record VmBuilt(VmInfo Vm, CreateReport Report) : IVmPlantEvent
{
    /// <summary>When the build reused its cached image <c>Vm.ImageId</c> (a hit for the cache); null: built from the base image, or written before.</summary>
    public DateTimeOffset? ImageHitAt { get; init; }
}

/// <summary>The build failed; its reservation is released and whatever it created was cleaned up.</summary>
[EventVersion(1)]
public sealed record VmBuildFailed(string RequestId, string VmId, string Reason) : IVmPlantEvent;

[EventVersion(1)]
public sealed record VmReconfigured(string RequestId, VmInfo Vm, CreateReport Report, VmSpec Spec) : IVmPlantEvent;

[EventVersion(1)]
public sealed record VmRemoved(string VmId, DateTimeOffset At) : IVmPlantEvent;

/// <summary>Journal and hypervisor disagree: the domain of a VM the journal knows has vanished.</summary>
[EventVersion(1)]
public sealed record VmLost(string VmId, string Reason) : IVmPlantEvent;

/// <summary>v2 added <see cref="ImageRecord.Origin"/>; v1 events are upcast (see <see cref="EventUpcasters"/>).</summary>
[EventVersion(2)]
public sealed record ImagePublished(ImageRecord Image) : IVmPlantEvent;

[EventVersion(1)]
public sealed record ImageHit(string ImageId, DateTimeOffset At) : IVmPlantEvent;

[EventVersion(1)]
public sealed record ImageEvicted(string ImageId, string Reason) : IVmPlantEvent;
