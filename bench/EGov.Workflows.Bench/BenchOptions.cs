using System.Globalization;

namespace EGov.Workflows.Bench;

/// <summary>Wrong command-line usage (exit code 2).</summary>
public sealed class BenchUsageException(string message) : Exception(message);

/// <summary>The command line of <c>./egov bench</c>.</summary>
public sealed record BenchOptions
{
    public const string Usage = """
        usage: ./egov bench [--quick] [--workload W1,W3] [--store memory,sqlite,postgres] [--mode sequential,concurrent]
                            [--peers bpmn-engine,workflowcore,bound|none] [--n N] [--runs N] [--json FILE] [--png FILE]

          --quick      small counts (a smoke test: it must finish, not reach numbers)
          --workload   W1 straight-through, W2 parallel, W3 human, W4 timers, W5 catalogue, W6 Postkorb, W7 KVP analytics,
                       W8 a million open cases, W9 history at scale (default: all)
          --store      stores for W1-W4, W6-W9 and W5 with overlays (W5 overlays on sqlite/postgres: the first deploy and a restart)
                       (default: all; postgres is skipped with the reason when it cannot start)
          --mode       sequential (one instance after the other) and/or concurrent (1,000 in flight) (default: both)
          --peers      peer engines in the same run (default: all; none = only our engine)
          --n          instances per run for every W1-W4 run and peer (overrides the defaults)
          --serve-start  egov serve's start to ready with 580 definitions (alone, or with --workload)
          --runs       durable W1-W3 runs are made N times; the report gives the median run and the spread (default: 3, --quick 1)
          --json FILE  writes {"results": [...]} with every figure
          --png FILE   writes a chart of throughput per workload and store next to the peers
        """;

    public static readonly string[] AllWorkloads = ["W1", "W2", "W3", "W4", "W5", "W6", "W7", "W8", "W9"];
    public static readonly string[] AllStores = ["memory", "sqlite", "postgres"];
    public static readonly string[] AllModes = ["sequential", "concurrent"];
    public static readonly string[] AllPeers = ["bpmn-engine", "workflowcore", "bound"];

    public bool Quick { get; init; }
    public bool Help { get; init; }
    public IReadOnlyList<string> Workloads { get; init; } = AllWorkloads;
    public IReadOnlyList<string> Stores { get; init; } = AllStores;
    public IReadOnlyList<string> Modes { get; init; } = AllModes;
    public IReadOnlyList<string> Peers { get; init; } = AllPeers;
    public int? N { get; init; }
    public int? Runs { get; init; }
    /// <summary>Measure <c>egov serve</c>'s start to ready with 580 definitions (also part of a run without --workload).</summary>
    public bool ServeStart { get; init; } = true;
    public string? JsonFile { get; init; }
    public string? PngFile { get; init; }
    public string? Root { get; init; }

    public static BenchOptions Parse(IReadOnlyList<string> args)
    {
        var o = new BenchOptions();
        for (var i = 0; i < args.Count; i++)
        {
            string Value() => i + 1 < args.Count ? args[++i] : throw new BenchUsageException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--quick": o = o with { Quick = true }; break;
                case "--help" or "-h": o = o with { Help = true }; break;
                case "--workload" or "--workloads":
                    o = o with { Workloads = List(Value(), AllWorkloads, "workload", upper: true), ServeStart = args.Contains("--serve-start") };
                    break;
                case "--serve-start":
                    o = o with { ServeStart = true, Workloads = args.Any(a => a is "--workload" or "--workloads") ? o.Workloads : [] };
                    break;
                case "--store" or "--stores": o = o with { Stores = List(Value(), AllStores, "store") }; break;
                case "--mode" or "--modes": o = o with { Modes = List(Value(), AllModes, "mode") }; break;
                case "--peers" or "--peer":
                    var p = Value();
                    o = o with { Peers = p == "none" ? [] : List(p, AllPeers, "peer") };
                    break;
                case "--n":
                    var n = Value();
                    o = o with { N = int.TryParse(n, NumberStyles.None, CultureInfo.InvariantCulture, out var k) && k > 0 ? k : throw new BenchUsageException($"--n needs a positive number, not '{n}'") };
                    break;
                case "--runs":
                    var runs = Value();
                    o = o with { Runs = int.TryParse(runs, NumberStyles.None, CultureInfo.InvariantCulture, out var r) && r is > 0 and <= 99 ? r : throw new BenchUsageException($"--runs needs a number from 1 to 99, not '{runs}'") };
                    break;
                case "--json": o = o with { JsonFile = Value() }; break;
                case "--png": o = o with { PngFile = Value() }; break;
                case "--root": o = o with { Root = Value() }; break;
                default: throw new BenchUsageException($"unknown option '{args[i]}'");
            }
        }
        return o;
    }

    private static string[] List(string text, string[] known, string what, bool upper = false)
    {
        var items = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(s => upper ? s.ToUpperInvariant() : s.ToLowerInvariant()).ToArray();
        foreach (var s in items)
            if (!known.Contains(s)) throw new BenchUsageException($"unknown {what} '{s}' (known: {string.Join(", ", known)})");
        return items.Length > 0 ? items : throw new BenchUsageException($"no {what} given");
    }
}

/// <summary>How many instances each run uses (full and --quick).</summary>
public sealed record Sizes
{
    public required Func<string, string, int> Instances { get; init; } // (workload, store) → N
    public required int Variants { get; init; }
    /// <summary>W5 with overlays: shared models × tenants (issue 16: 580 × 100).</summary>
    public int OverlayModels { get; init; } = 580;
    public int OverlayTenants { get; init; } = 100;
    /// <summary>W5 with overlays on SQLite/PostgreSQL (first deploy and restart): shared models × tenants.</summary>
    public int DurableOverlayModels { get; init; } = 580;
    public int DurableOverlayTenants { get; init; } = 100;
    public required int BoundN { get; init; }
    public required int WorkflowCoreN { get; init; }
    public required int BpmnEngineN { get; init; }
    public required TimeSpan RunLimit { get; init; }
    /// <summary>Durable W1-W3 runs: how often each is made (the median is reported with the spread) and the least time each measures.</summary>
    public int DurableRuns { get; init; } = 3;
    public double DurableMinSeconds { get; init; } = 10;

    public static Sizes For(BenchOptions o)
    {
        var fixedN = o.N;
        if (o.Quick)
            return new Sizes
            {
                Instances = (w, s) => fixedN ?? (s, w) switch
                {
                    ("memory", "W4") => 5_000,
                    ("memory", _) => 3_000,
                    (_, "W6") => 2_500,
                    (_, "W7") => 5_000,
                    (_, "W8") => 20_000,
                    (_, "W9") => 500_000,
                    _ => 100,
                },
                Variants = 100, OverlayModels = 60, OverlayTenants = fixedN ?? 10, DurableOverlayModels = 20, DurableOverlayTenants = fixedN ?? 5, BoundN = fixedN ?? 50_000, WorkflowCoreN = fixedN ?? 300, BpmnEngineN = fixedN ?? 50,
                RunLimit = TimeSpan.FromMinutes(2), WarmupSeconds = 0.2, MeasureSeconds = 5, CasePages = 300,
                DurableRuns = o.Runs ?? 1, DurableMinSeconds = 0,
            };
        return new Sizes
        {
            Instances = (w, s) => fixedN ?? (s, w) switch
            {
                ("memory", "W4") => 100_000,
                ("memory", "W3") => 20_000,
                (_, "W6") => 100_000,
                (_, "W7") => 100_000,
                (_, "W8") => 1_000_000,
                (_, "W9") => 10_000_000,
                ("memory", _) => 50_000,
                (_, "W4") => 3_000,
                (_, "W3") => 2_000,
                _ => 3_000,
            },
            Variants = 500, OverlayTenants = fixedN ?? 100, DurableOverlayTenants = fixedN ?? 100, BoundN = fixedN ?? 1_000_000, WorkflowCoreN = fixedN ?? 5_000, BpmnEngineN = fixedN ?? 1_000,
            RunLimit = TimeSpan.FromMinutes(10), DurableRuns = o.Runs ?? 3,
        };
    }

    /// <summary>Time-bound parts (W8/W9's W3 runs, durable runs repeated with --runs) measure at least this long.</summary>
    public double MeasureSeconds { get; init; } = 15;

    /// <summary>W8: case pages opened (after a tenth as warm-up).</summary>
    public int CasePages { get; init; } = 1_000;

    /// <summary>serve-start: definitions in the processes folder (issue 15: 580, the catalogue's size).</summary>
    public int ServeDefinitions { get; init; } = 580;

    public static int Warmup(int n) => Math.Clamp(n / 10, 10, 2_000);

    /// <summary>How long every run warms up at least (a quick run only smoke-tests, so it barely does).</summary>
    public double WarmupSeconds { get; init; } = 3;
}
