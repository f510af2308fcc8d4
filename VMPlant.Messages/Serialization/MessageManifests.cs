using System.Collections.Frozen;

namespace VMPlant.Messages.Serialization;

/// <summary>
/// The wire names of VMPlant's messages, written out by hand: a manifest is part of the contract, so renaming a
/// type or moving it to another namespace cannot change what travels, and a message nobody listed cannot travel.
/// </summary>
public static class MessageManifests
{
    public static FrozenDictionary<string, Type> TypesByManifest { get; } = new Dictionary<string, Type>
    {
        // Client ↔ shop.
        ["CreateVm"] = typeof(CreateVm),
        ["EstimateVm"] = typeof(EstimateVm),
        ["ConfigureVm"] = typeof(ConfigureVm),
        ["ShowVm"] = typeof(ShowVm),
        ["ListVms"] = typeof(ListVms),
        ["DestroyVm"] = typeof(DestroyVm),
        ["ListPlants"] = typeof(ListPlants),
        ["RequestRejected"] = typeof(RequestRejected),
        ["VmNotFound"] = typeof(VmNotFound),
        ["VmCreated"] = typeof(VmCreated),
        ["CreateVmFailed"] = typeof(CreateVmFailed),
        ["EstimateResult"] = typeof(EstimateResult),
        ["VmInfo"] = typeof(VmInfo),
        ["VmList"] = typeof(VmList),
        ["VmDestroyed"] = typeof(VmDestroyed),
        ["PlantList"] = typeof(PlantList),
        // Shop ↔ plants.
        ["RegisterPlant"] = typeof(RegisterPlant),
        ["RequestBid"] = typeof(RequestBid),
        ["Bid"] = typeof(Bid),
        ["Decline"] = typeof(Decline),
        ["Award"] = typeof(Award),
        ["AwardAccepted"] = typeof(AwardAccepted),
        ["AwardRefused"] = typeof(AwardRefused),
        ["VmReady"] = typeof(VmReady),
        ["VmFailed"] = typeof(VmFailed),
        ["ConfigurePlantVm"] = typeof(ConfigurePlantVm),
        ["GetPlantStatus"] = typeof(GetPlantStatus),
        ["ListPlantVms"] = typeof(ListPlantVms),
    }.ToFrozenDictionary(StringComparer.Ordinal);
}
