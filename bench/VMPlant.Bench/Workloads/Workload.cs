using System.Collections.Immutable;
using VMPlant.Messages;

namespace VMPlant.Bench.Workloads;

/// <summary>How a grid-like request stream is generated. Every field is recorded in a saved workload file.</summary>
/// <param name="Seed">Seed of the one <see cref="Random"/> everything is drawn from: the same options give the same workload.</param>
/// <param name="Requests">Number of VM requests in the stream.</param>
/// <param name="BaseOses">Base operating systems (each an install-os action of 7–20 minutes).</param>
/// <param name="Families">Software families (MPI flavours, Python, CUDA…): a chain of 1–2 actions on top of an OS.</param>
/// <param name="SolversPerFamily">Leaf applications per family; a stack is OS + family + solver.</param>
/// <param name="StackZipf">Zipf exponent of stack popularity (higher: a few stacks dominate).</param>
/// <param name="ExtraProbability">Chance that a request adds common extras (hosts file, NFS client, monitoring…).</param>
/// <param name="MaxExtras">At most this many common extras per request.</param>
/// <param name="ExtraZipf">Zipf exponent of the extras' popularity.</param>
/// <param name="UniqueScriptProbability">Chance that a request ends with its own job script (never reusable).</param>
/// <param name="MeanLifetime">Mean VM lifetime, counted in later requests (exponentially distributed).</param>
public sealed record WorkloadOptions(
    int Seed = 42,
    int Requests = 2000,
    int BaseOses = 4,
    int Families = 5,
    int SolversPerFamily = 6,
    double StackZipf = 1.0,
    double ExtraProbability = 0.6,
    int MaxExtras = 3,
    double ExtraZipf = 1.0,
    double UniqueScriptProbability = 0.25,
    double MeanLifetime = 30)
{
    public void EnsureValid()
    {
        var errors = new List<string>();
        if (Requests < 1) errors.Add($"requests must be at least 1, got {Requests}");
        if (BaseOses is < 1 or > WorkloadCatalogue.MaxOses) errors.Add($"base OSes must be 1..{WorkloadCatalogue.MaxOses}, got {BaseOses}");
        if (Families is < 1 or > WorkloadCatalogue.MaxFamilies) errors.Add($"families must be 1..{WorkloadCatalogue.MaxFamilies}, got {Families}");
        if (SolversPerFamily is < 1 or > WorkloadCatalogue.MaxSolvers) errors.Add($"solvers per family must be 1..{WorkloadCatalogue.MaxSolvers}, got {SolversPerFamily}");
        if (MaxExtras is < 0 or > WorkloadCatalogue.MaxExtras) errors.Add($"max extras must be 0..{WorkloadCatalogue.MaxExtras}, got {MaxExtras}");
        if (StackZipf < 0 || ExtraZipf < 0) errors.Add("Zipf exponents must be ≥ 0");
        if (ExtraProbability is < 0 or > 1 || UniqueScriptProbability is < 0 or > 1) errors.Add("probabilities must be within 0..1");
        if (MeanLifetime < 1) errors.Add($"mean lifetime must be at least 1 request, got {MeanLifetime}");
        if (errors.Count > 0) throw new ArgumentException(string.Join("; ", errors));
    }
}

/// <summary>One request of a workload: the VM spec and how many later requests the VM lives for.</summary>
/// <param name="Seq">Position in the stream, from 0.</param>
/// <param name="Stack">The stack it was drawn from ("os/family/solver"), for popularity statistics.</param>
/// <param name="Lifetime">The VM is destroyed once this many further requests have arrived.</param>
public sealed record WorkloadRequest(int Seq, string Stack, int Lifetime, VmSpec Spec);

/// <summary>A reproducible stream of VM requests.</summary>
public sealed record Workload(WorkloadOptions Options, ImmutableArray<WorkloadRequest> Requests)
{
    /// <summary>Seconds of work the whole stream asks for when nothing is reused.</summary>
    public double TotalCost => Requests.Sum(r => r.Spec.Actions.Sum(a => a.Cost));

    public int DistinctStacks => Requests.Select(r => r.Stack).Distinct().Count();

    /// <summary>Requests whose action set (kind, args, edges) is identical to an earlier request's.</summary>
    public int DistinctConfigurations => Requests.Select(r => ConfigurationKey(r.Spec)).Distinct().Count();

    /// <summary>Stacks by how often they are requested, most popular first.</summary>
    public IReadOnlyList<(string Stack, int Count)> StackPopularity() => Requests
        .GroupBy(r => r.Stack)
        .Select(g => (g.Key, g.Count()))
        .OrderByDescending(p => p.Item2).ThenBy(p => p.Key, StringComparer.Ordinal)
        .ToList();

    private static string ConfigurationKey(VmSpec spec) => string.Join(";", spec.Actions
        .Select(a => $"{a.Id}:{a.Kind}:{string.Join(",", a.Args.Select(kv => kv.Key + "=" + kv.Value))}:{string.Join(",", a.After)}")
        .Order(StringComparer.Ordinal));
}
