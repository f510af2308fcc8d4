using VMPlant.Messages;

namespace VMPlant.Actors.Domain;

/// <summary>A VM as its plant tracks it: the spec it was built from, the image under its disk, and its latest info.</summary>
public sealed record PlantVm(string VmId, string RequestId, VmSpec Spec, string ImageId, VmState State, VmInfo? Info)
{
    public string DomainName => VmId;

    public string Volume => VolumeOf(VmId);

    public static string VolumeOf(string vmId) => vmId + ".qcow2";

    /// <summary>Building and running VMs hold their resources (failed, destroyed and lost ones leave the plant's state).</summary>
    public bool HoldsCapacity => State is VmState.Building or VmState.Running;
}
