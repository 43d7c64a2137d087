using BenchmarkDotNet.Running;

// dotnet run -c Release --project bench/EGov.Workflows.Bench.Micro -- --filter '*'        (all hot paths)
// dotnet run -c Release --project bench/EGov.Workflows.Bench.Micro -- --filter '*Condition*' --job short
BenchmarkSwitcher.FromAssembly(typeof(EGov.Workflows.Bench.Micro.ReadModel).Assembly).Run(args);
