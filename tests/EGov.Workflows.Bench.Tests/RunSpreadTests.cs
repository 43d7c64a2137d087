using EGov.Workflows.Bench;

namespace EGov.Workflows.Bench.Tests;

/// <summary>Repeated durable runs are reported as the median run with the spread; the options name them.</summary>
public sealed class RunSpreadTests
{
    private static BenchResult Run(double rate, double p99) => new()
    {
        Workload = "W1", Store = "sqlite", Engine = "egov", Mode = "sequential", Instances = 3_000, InstancesPerSecond = rate, P99Ms = p99,
    };

    [Fact]
    public void Median_OfThreeRuns_IsTheMiddleRunWithTheLowestAndHighestRate()
    {
        var m = Orchestrator.Median([Run(2_701, 9), Run(5_674, 3), Run(3_605, 5)]);
        m.InstancesPerSecond.ShouldBe(3_605);
        m.P99Ms.ShouldBe(5); // the median run's own latencies
        m.Runs.ShouldBe(3);
        m.MinPerSecond.ShouldBe(2_701);
        m.MaxPerSecond.ShouldBe(5_674);
        m.Note.ShouldNotBeNull().ShouldContain("median of 3 runs");
    }

    [Fact]
    public void Median_LeavesFailedRunsOut_AndSaysSo()
    {
        var failed = new BenchResult { Workload = "W1", Store = "sqlite", Engine = "egov", Mode = "sequential", Skipped = "run failed: timed out" };
        var m = Orchestrator.Median([Run(1_000, 1), failed, Run(3_000, 1)]);
        m.Runs.ShouldBe(2);
        m.InstancesPerSecond.ShouldBe(2_000); // two runs: the mean of both
        m.Note.ShouldNotBeNull().ShouldContain("1 failed");
    }

    [Fact]
    public void Median_OfOnlyFailedRuns_IsTheFailure()
    {
        var failed = new BenchResult { Workload = "W1", Store = "sqlite", Engine = "egov", Mode = "sequential", Skipped = "run failed" };
        Orchestrator.Median([failed]).Skipped.ShouldBe("run failed");
    }

    [Fact]
    public void Options_KnowTheScaleWorkloadsRunsAndServeStart()
    {
        var o = BenchOptions.Parse(["--workload", "w8,W9", "--runs", "5", "--quick"]);
        o.Workloads.ShouldBe(["W8", "W9"]);
        o.Runs.ShouldBe(5);
        o.ServeStart.ShouldBeFalse();
        Sizes.For(o).DurableRuns.ShouldBe(5);
        Sizes.For(o).Instances("W8", "sqlite").ShouldBe(20_000);

        var start = BenchOptions.Parse(["--serve-start"]);
        start.ServeStart.ShouldBeTrue();
        start.Workloads.ShouldBeEmpty();

        var full = Sizes.For(BenchOptions.Parse([]));
        full.Instances("W8", "postgres").ShouldBe(1_000_000);
        full.Instances("W9", "sqlite").ShouldBe(10_000_000);
        full.DurableRuns.ShouldBe(3);
        full.DurableMinSeconds.ShouldBe(10);
        Should.Throw<BenchUsageException>(() => BenchOptions.Parse(["--runs", "0"]));
    }
}
