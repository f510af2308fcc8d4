using BenchmarkDotNet.Running;

// dotnet run -c Release --project bench/VMPlant.Benchmarks -- --filter '*'            (all, short runs)
// dotnet run -c Release --project bench/VMPlant.Benchmarks -- --filter '*FindBest*' --job default
BenchmarkSwitcher.FromAssembly(typeof(VMPlant.Benchmarks.MatchingBenchmarks).Assembly).Run(args);
