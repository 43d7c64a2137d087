using EGov.Workflows.Bench;

namespace EGov.Workflows.Bench.Tests;

/// <summary>
/// W5 overlays on SQLite at a tiny size: the first deploy into an empty database and a restart over it, each through
/// <c>./egov serve</c>'s own start, report the versions, the deployment's time, memory, the database's size and rows.
/// Nothing here asserts a time beyond "positive".
/// </summary>
public sealed class OverlayDurableTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("egov-bench-w5o-").FullName;

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }

    private static string Processes()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "EGov.Workflows.sln"))) return Path.Combine(d.FullName, "processes");
        throw new InvalidOperationException("the repository's root (EGov.Workflows.sln) is not above the test's folder");
    }

    [Fact]
    public void FirstDeployThenRestart_OnSqlite_ReportVersionsTimeMemoryDatabaseAndRows()
    {
        var spec = new RunSpec
        {
            Workload = "W5", Store = "sqlite", Engine = "egov", Mode = OverlayRun.FirstMode, ModelsDir = _dir, WorkDir = _dir,
            ProcessesDir = Processes(), Variants = 16, N = 2, SharedRunId = "w5o_test",
        };
        try
        {
            var first = OverlayRun.Run(spec);
            first.Skipped.ShouldBeNull();
            first.Mode.ShouldBe(OverlayRun.FirstMode);
            first.SharedModels.ShouldBe(16);
            first.Instances.ShouldBe(32);
            first.Definitions.ShouldBe(32, first.Note);
            first.DeploySeconds.ShouldNotBeNull().ShouldBeGreaterThan(0);
            first.PeakRssMb.ShouldNotBeNull().ShouldBeGreaterThan(0);
            first.DatabaseMb.ShouldNotBeNull().ShouldBeGreaterThan(0);
            first.RowsPerInstance.ShouldNotBeNull().ShouldBeGreaterThan(0);
            first.Note.ShouldNotBeNull().ShouldContain("first deploy into an empty database");

            var restart = OverlayRun.Run(spec with { Mode = OverlayRun.RestartMode });
            restart.Skipped.ShouldBeNull();
            restart.Mode.ShouldBe(OverlayRun.RestartMode);
            restart.Definitions.ShouldBe(32, restart.Note);
            restart.DatabaseMb.ShouldNotBeNull().ShouldBeGreaterThan(0);
            restart.Note.ShouldNotBeNull().ShouldContain("the restart added");

            var targets = new Report([first, restart], BenchOptions.Parse(["--quick"]), "1 1 1", TimeSpan.Zero).Targets();
            targets.Single(t => t.Target.StartsWith("W5 overlays on SQLite, restart (stored versions): 580 × 100 in ≤ 10 s (scaled)", StringComparison.Ordinal))
                .Status.ShouldBeOneOf("met", "MISSED");
            targets.Single(t => t.Target.StartsWith("W5 overlays on SQLite, first deploy (empty database): … and ≤ 1 GB RSS", StringComparison.Ordinal))
                .Status.ShouldBe("not measured");
        }
        finally
        {
            OverlayRun.Drop(spec);
        }
        Directory.Exists(OverlayRun.DurableDir(spec)).ShouldBeFalse();
    }
}
