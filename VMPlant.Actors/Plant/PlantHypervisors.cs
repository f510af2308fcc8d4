namespace VMPlant.Actors.Plant;

/// <summary>Picks a plant's backend from its settings: real guests when it has real-vm settings, recorded actions otherwise.</summary>
public static class PlantHypervisors
{
    public static IPlantHypervisor Connect(PlantSettings settings) =>
        settings.Real is null ? PlantHypervisor.Connect(settings) : QemuPlantHypervisor.Connect(settings);
}
