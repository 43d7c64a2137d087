using System.Text.Json;
using EGov.Workflows.Bench;

// Two roles: the orchestrator (what ./egov bench runs) plans the runs, starts one child process per run (so each run
// has its own peak RSS and a cold heap), runs the peers, and writes the report; a child (--child) does one run.
try
{
    if (args.Length > 0 && args[0] == "--child") return Child.Run(args.Skip(1).ToArray());
    var options = BenchOptions.Parse(args);
    if (options.Help)
    {
        Console.WriteLine(BenchOptions.Usage);
        return 0;
    }
    return Orchestrator.Run(options);
}
catch (BenchUsageException e)
{
    Console.Error.WriteLine($"egov bench: {e.Message}");
    Console.Error.WriteLine(BenchOptions.Usage);
    return 2;
}

/// <summary>A child run: the spec as JSON in one argument, the result as JSON on the last line of stdout.</summary>
internal static class Child
{
    public static int Run(string[] args)
    {
        var spec = JsonSerializer.Deserialize<RunSpec>(args[0], BenchResult.Json) ?? throw new BenchUsageException("no run spec");
        try
        {
            if (spec.Workload == "W6")
            {
                // Two results (the page and the counts), one JSON line each.
                foreach (var r in PostkorbRun.Run(spec, spec.Warmup)) Console.Out.WriteLine(JsonSerializer.Serialize(r, BenchResult.Json));
                return 0;
            }
            if (spec.Workload == "W8")
            {
                var results = spec.Mode == "seed" ? [OpenCasesRun.Seed(spec)] : OpenCasesRun.Serve(spec, spec.Seeded ?? throw new BenchUsageException("W8 serve without the seeding run's figures"));
                foreach (var r in results) Console.Out.WriteLine(JsonSerializer.Serialize(r, BenchResult.Json));
                return 0;
            }
            if (spec.Workload == "serve-start")
            {
                Console.Out.WriteLine(JsonSerializer.Serialize(ServeStartRun.Run(spec), BenchResult.Json));
                return 0;
            }
            if (spec.Workload == "W9")
            {
                Console.Out.WriteLine(JsonSerializer.Serialize(HistoryRun.Run(spec), BenchResult.Json));
                return 0;
            }
            if (spec.Workload == "W7")
            {
                Console.Out.WriteLine(JsonSerializer.Serialize(AnalyticsRun.Run(spec, spec.Warmup), BenchResult.Json));
                return 0;
            }
            var result = spec.Engine switch { "bound" => Bound.Run(spec), "commit-bound" => CommitBound.Run(spec), _ => EgovRuns.Run(spec) };
            Console.Out.WriteLine(JsonSerializer.Serialize(result, BenchResult.Json));
            return 0;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            var inner = e;
            while (inner.InnerException is not null) inner = inner.InnerException;
            Console.Error.WriteLine($"error: {e.GetType().Name}: {e.Message}{(inner != e ? $" ({inner.GetType().Name}: {inner.Message})" : "")}");
            Console.Error.WriteLine(e.StackTrace);
            return 1;
        }
    }
}
