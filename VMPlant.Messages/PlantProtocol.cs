using System.Collections.Immutable;
using System.Text.Json.Serialization;
using Akka.Actor;

namespace VMPlant.Messages;

/// <summary>A plant announces itself to the shop; sent again periodically so a new shop singleton learns of it.</summary>
public sealed record RegisterPlant(string Plant, IActorRef PlantRef) : IVmPlantMessage;

public sealed record RequestBid(string RequestId, VmSpec Spec) : IVmPlantMessage;

public sealed record Bid(string RequestId, BidSummary Offer) : IVmPlantMessage;

public sealed record Decline(string RequestId, DeclineSummary Reason) : IVmPlantMessage;

/// <summary>The shop gives the job to a plant. The plant answers <see cref="AwardAccepted"/> or <see cref="AwardRefused"/>, then <see cref="VmReady"/> or <see cref="VmFailed"/>.</summary>
public sealed record Award(string RequestId, string VmId, VmSpec Spec) : IVmPlantMessage;

public sealed record AwardAccepted(string RequestId, string Plant) : IVmPlantMessage;

public sealed record AwardRefused(string RequestId, string Plant, string Reason) : IVmPlantMessage;

public sealed record VmReady(string RequestId, VmInfo Vm, CreateReport Report) : IVmPlantMessage;

public sealed record VmFailed(string RequestId, string VmId, string Plant, string Reason) : IVmPlantMessage;

/// <summary>Shop to plant: extend an existing VM's configuration.</summary>
public sealed record ConfigurePlantVm(string RequestId, string VmId, ImmutableArray<ActionSpec> Actions) : IVmPlantMessage;

/// <summary>
/// Shop to plant: your status, with your golden images (by image id) after <see cref="ImagesAfter"/>, as many as fit in
/// <see cref="MaxBytes"/> (null: the plant's own reply bound).
/// </summary>
public sealed record GetPlantStatus : IVmPlantMessage
{
    public static readonly GetPlantStatus Instance = new();

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? ImagesAfter { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long? MaxBytes { get; init; }
}

/// <summary>Shop to plant after recovery: which VMs do you hold? Answered with <see cref="VmList"/>.</summary>
public sealed record ListPlantVms : IVmPlantMessage
{
    public static readonly ListPlantVms Instance = new();
}
