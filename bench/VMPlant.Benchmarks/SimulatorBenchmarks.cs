using BenchmarkDotNet.Attributes;
using VMPlant.Bench.Workloads;

namespace VMPlant.Benchmarks;

/// <summary>The workload generator and one cache simulation (what `vmplant bench cache` repeats per rule and size).</summary>
[ShortRunJob]
[MemoryDiagnoser]
public class SimulatorBenchmarks
{
    private PreparedWorkload _prepared = null!;

    [GlobalSetup]
    public void Setup() => _prepared = CacheSimulator.Prepare(WorkloadGenerator.Generate(new WorkloadOptions()));

    [Benchmark]
    public Workload Generate() => WorkloadGenerator.Generate(new WorkloadOptions());

    [Benchmark]
    public SimulationResult SimulateVmPlant() => CacheSimulator.Run(_prepared, SimulationOptions.Default());
}
