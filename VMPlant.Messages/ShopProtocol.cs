using System.Collections.Immutable;
using System.Text.Json.Serialization;

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

/// <summary>
/// Collect bids for a spec without creating anything. Paged like every query (see <see cref="IPagedQuery"/>): each
/// page runs the auction again and carries the bids (cheapest first) then the declines (by plant) after the cursor.
/// </summary>
public sealed record EstimateVm(VmSpec Spec) : IVmPlantMessage, IPagedQuery
{
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? Limit { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? After { get; init; }
}

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

/// <summary>
/// One VM. Its actions are paged (a VM may have performed thousands): the answer's <see cref="VmInfo.ActionsNext"/>
/// is the <see cref="After"/> that fetches the actions that did not fit.
/// </summary>
public sealed record ShowVm(string VmId) : IVmPlantMessage, IPagedQuery
{
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? Limit { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? After { get; init; }
}

/// <summary>
/// List VMs whose attributes match every filter (key=value: plant, name, state, kind, image, id), oldest first
/// (creation time, then VM id), one page at a time.
/// </summary>
public sealed record ListVms(ImmutableArray<VmFilter> Where) : IVmPlantMessage, IPagedQuery
{
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? Limit { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? After { get; init; }
}

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

/// <summary>Every plant's status, by plant name, each plant's golden images by image id; one page at a time.</summary>
public sealed record ListPlants : IVmPlantMessage, IPagedQuery
{
    public static readonly ListPlants Instance = new();

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? Limit { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? After { get; init; }
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

public sealed record EstimateResult(ImmutableArray<BidSummary> Bids, ImmutableArray<DeclineSummary> Declines) : IVmPlantMessage, IPage
{
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Next { get; init; }
}

/// <summary>A page of VMs. A VM whose actions did not all fit carries <see cref="VmInfo.ActionsNext"/>.</summary>
public sealed record VmList(ImmutableArray<VmInfo> Vms) : IVmPlantMessage, IPage
{
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Next { get; init; }
}

/// <summary>The VM is gone: removed now, or (<see cref="AlreadyDestroyed"/>) destroyed before this request; either way a success.</summary>
public sealed record VmDestroyed(string VmId, string Plant) : IVmPlantMessage
{
    public bool AlreadyDestroyed { get; init; }
}

/// <summary>
/// A page of plants. A plant whose images did not all fit ends the page (its <see cref="PlantStatus.ImagesNext"/> is
/// set) and starts the next one again with the rest of its images: merge consecutive entries of the same plant.
/// </summary>
public sealed record PlantList(ImmutableArray<PlantStatus> Plants) : IVmPlantMessage, IPage
{
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Next { get; init; }
}
