using EGov.Workflows.Bench;

namespace EGov.Workflows.Bench.Tests;

/// <summary>
/// W8 (open cases), W9 (history at scale) and the spread of repeated runs: each runs at a tiny size on SQLite and reports
/// the fields the report and its targets read. Nothing here asserts a time or a rate beyond "positive".
/// </summary>
public sealed class ScaleWorkloadTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("egov-bench-tests-").FullName;

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }

    private RunSpec Spec(string workload, string mode, int n) => new()
    {
        Workload = workload, Store = "sqlite", Engine = "egov", Mode = mode, N = n, InFlight = 100, Warmup = 20, MeasureSeconds = 0.3,
        ModelsDir = _dir, WorkDir = _dir, SharedRunId = $"{workload.ToLowerInvariant()}_test",
    };

    [Fact]
    public void W8_OpenCases_SeedAndServe_ReportStartRateDatabaseSizeRssW3AndCasePage()
    {
        var spec = Spec("W8", "seed", 600);
        var seeded = OpenCasesRun.Seed(spec);
        seeded.Skipped.ShouldBeNull();
        seeded.InstancesPerSecond.ShouldNotBeNull().ShouldBeGreaterThan(0);
        seeded.DatabaseMb.ShouldNotBeNull().ShouldBeGreaterThan(0);
        seeded.BaselinePerSecond.ShouldNotBeNull().ShouldBeGreaterThan(0);

        var served = OpenCasesRun.Serve(spec with { Mode = "serve" }, seeded);
        served.Select(r => r.Mode).ShouldBe(["w3-open", "case-page"]);
        var w3 = served[0];
        w3.InstancesPerSecond.ShouldNotBeNull().ShouldBeGreaterThan(0);
        w3.BaselinePerSecond.ShouldBe(seeded.BaselinePerSecond);
        var page = served[1];
        page.P99Ms.ShouldNotBeNull().ShouldBeGreaterThanOrEqualTo(page.P50Ms!.Value);
        page.RssMb.ShouldNotBeNull().ShouldBeGreaterThan(0);
        page.HeapMb.ShouldNotBeNull().ShouldBeGreaterThan(0);
        page.StartupSeconds.ShouldNotBeNull().ShouldBeGreaterThan(0);
        page.Instances.ShouldBe(600);
    }

    [Fact]
    public void W9_HistoryAtScale_RetentionBesideW3_ReportsLossDeletionAndLongestStatement()
    {
        var r = HistoryRun.Run(Spec("W9", "retention", 4_000) with { SharedRunId = null });
        r.Skipped.ShouldBeNull();
        r.Cases.ShouldBe(200);
        r.BaselinePerSecond.ShouldNotBeNull().ShouldBeGreaterThan(0);
        r.InstancesPerSecond.ShouldNotBeNull().ShouldBeGreaterThan(0);
        r.DeletedPerSecond.ShouldNotBeNull().ShouldBeGreaterThan(0);
        r.LongestStatementMs.ShouldNotBeNull().ShouldBeGreaterThan(0);
        r.Note.ShouldNotBeNull().ShouldContain("longest statement");
    }

    [Fact]
    public void Report_ReadsTheScaleTargets_FromW8AndW9Results()
    {
        var results = new List<BenchResult>
        {
            new() { Workload = "W8", Store = "postgres", Engine = "egov-http", Mode = "case-page", Instances = 20_000, InstancesPerSecond = 50, P50Ms = 5, P99Ms = 25, RssMb = 300, HeapMb = 40 },
            new() { Workload = "W9", Store = "sqlite", Engine = "egov", Mode = "retention", InstancesPerSecond = 900, BaselinePerSecond = 1000, DeletedPerSecond = 100, LongestStatementMs = 12, Cases = 1_000 },
        };
        var targets = new Report(results, BenchOptions.Parse(["--quick"]), "1 1 1", TimeSpan.Zero).Targets();
        targets.Single(t => t.Target.StartsWith("W8 on PostgreSQL: the node's RSS", StringComparison.Ordinal)).Status.ShouldBe("met");
        targets.Single(t => t.Target.StartsWith("W8 on PostgreSQL: a case page's data", StringComparison.Ordinal)).Status.ShouldBe("MISSED");
        targets.Single(t => t.Target.StartsWith("W9 on SQLite: W3 loses", StringComparison.Ordinal)).Status.ShouldBe("met");
        targets.Single(t => t.Target.StartsWith("W9 on SQLite: no long locks", StringComparison.Ordinal)).Status.ShouldBe("met");
        targets.Single(t => t.Target.StartsWith("W9 on PostgreSQL: W3 loses", StringComparison.Ordinal)).Status.ShouldBe("not measured");
        targets.Single(t => t.Target.StartsWith("serve: start to ready", StringComparison.Ordinal)).Status.ShouldBe("not measured");
    }
}
