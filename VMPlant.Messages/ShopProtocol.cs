using System.Collections.Immutable;

namespace VMPlant.Messages;

/// <summary>Create a VM. <paramref name="RequestId"/> makes retries safe: the same id always yields the first outcome.</summary>
public sealed record CreateVm(string RequestId, VmSpec Spec) : IVmPlantMessage, IAuthorizedRequest
{
    public Caller? Caller { get; init; }

    public ClientCredential? Credential { get; init; }

    public IAuthorizedRequest WithCaller(Caller? caller) => this with { Caller = caller, Credential = null };

    public IAuthorizedRequest WithCredential(ClientCredential credential) => this with { Credential = credential };

    [System.Text.Json.Serialization.JsonIgnore]
    public string SigningText => $"create|{RequestId}";
}

/// <summary>Collect bids for a spec without creating anything.</summary>
public sealed record EstimateVm(VmSpec Spec) : IVmPlantMessage;

/// <summary>Run further actions on an existing VM; they may depend on the VM's existing action ids.</summary>
public sealed record ConfigureVm(string RequestId, string VmId, ImmutableArray<ActionSpec> Actions) : IVmPlantMessage, IAuthorizedRequest
{
    public Caller? Caller { get; init; }

    public ClientCredential? Credential { get; init; }

    public IAuthorizedRequest WithCaller(Caller? caller) => this with { Caller = caller, Credential = null };

    public IAuthorizedRequest WithCredential(ClientCredential credential) => this with { Credential = credential };

    [System.Text.Json.Serialization.JsonIgnore]
    public string SigningText => $"configure|{RequestId}|{VmId}";
}

public sealed record ShowVm(string VmId) : IVmPlantMessage;

/// <summary>List VMs whose attributes match every filter (key=value: plant, name, state, kind, image, id).</summary>
public sealed record ListVms(ImmutableArray<VmFilter> Where) : IVmPlantMessage;

public sealed record VmFilter(string Key, string Value);

public sealed record DestroyVm(string VmId) : IVmPlantMessage, IAuthorizedRequest
{
    public Caller? Caller { get; init; }

    public ClientCredential? Credential { get; init; }

    public IAuthorizedRequest WithCaller(Caller? caller) => this with { Caller = caller, Credential = null };

    public IAuthorizedRequest WithCredential(ClientCredential credential) => this with { Credential = credential };

    [System.Text.Json.Serialization.JsonIgnore]
    public string SigningText => $"destroy|{VmId}";
}

public sealed record ListPlants : IVmPlantMessage
{
    public static readonly ListPlants Instance = new();
}

/// <summary>Bad input: the spec or request was rejected before anything was created.</summary>
public sealed record RequestRejected(string RequestId, string Reason) : IVmPlantMessage;

public sealed record VmNotFound(string VmId) : IVmPlantMessage;

/// <summary>The outcome of a successful <see cref="CreateVm"/> or <see cref="ConfigureVm"/>.</summary>
public sealed record VmCreated(string RequestId, VmInfo Vm, CreateReport Report) : IVmPlantMessage;

/// <summary>No plant could build the VM; every plant's bid or decline is attached.</summary>
public sealed record CreateVmFailed(
    string RequestId,
    string Reason,
    ImmutableArray<BidSummary> Bids,
    ImmutableArray<DeclineSummary> Declines) : IVmPlantMessage;

public sealed record EstimateResult(ImmutableArray<BidSummary> Bids, ImmutableArray<DeclineSummary> Declines) : IVmPlantMessage;

public sealed record VmList(ImmutableArray<VmInfo> Vms) : IVmPlantMessage;

/// <summary>The VM is gone: removed now, or (<see cref="AlreadyDestroyed"/>) destroyed before this request; either way a success.</summary>
public sealed record VmDestroyed(string VmId, string Plant) : IVmPlantMessage
{
    public bool AlreadyDestroyed { get; init; }
}

public sealed record PlantList(ImmutableArray<PlantStatus> Plants) : IVmPlantMessage;
