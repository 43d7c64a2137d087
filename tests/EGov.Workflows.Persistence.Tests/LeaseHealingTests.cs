using EGov.Workflows.Persistence.Faults;
using EGov.Workflows.Persistence.Jobs;
using EGov.Workflows.Runtime;
using EGov.Workflows.Runtime.State;
using Microsoft.Data.Sqlite;
using NodaTime;

namespace EGov.Workflows.Persistence.Tests;

/// <summary>Leases that heal: after an outage, after a crash, and for a job that runs longer than its lease.</summary>
public sealed class LeaseHealingTests
{
    public static TheoryData<string> Providers() => TestDatabases.Providers();

    [Fact]
    public void Defaults_AShortLease_WithAHeartbeatAThirdOfIt()
    {
        var options = new JobExecutorOptions();
        options.Lease.ShouldBe(Duration.FromSeconds(30));
        options.HeartbeatInterval.ShouldBe(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public void AJobWhoseCommitFailsBecauseTheDiskIsFull_IsHandedBackWithoutBackoff_NoIncident_AndRunsWhenSpaceIsBack()
    {
        using var db = TestDatabases.Create("sqlite");
        var store = db.OpenStore();
        var clock = Models.Clock();
        var engine = Models.Deployed(store, clock, Models.Frist());
        var id = engine.StartProcess("Frist", new() { ["akte"] = new string('a', 200_000) });
        clock.AdvanceHours(1);
        var executor = new JobExecutor(store, _ => engine, clock, new JobExecutorOptions { Owner = "node-1" });

        StoreFaults.FillDisk(store);
        executor.RunOnce().ShouldBe(0);

        var job = store.FindDueWork("default", clock.GetCurrentInstant(), 10).ShouldHaveSingleItem(); // due now, not in 30 s
        store.LeaseOf("default", job).Owner.ShouldBeNull();
        engine.GetInstance(id).Incidents.ShouldBeEmpty();
        StoreFaults.Clear(store);
        executor.RunOnce().ShouldBe(1);
        engine.GetInstance(id).State.ShouldBe(InstanceState.Completed);
    }

    [Theory, MemberData(nameof(Providers))]
    public void AHandBackThatFails_IsKeptInMemory_AndDoneWhenTheStoreAnswers(string provider)
    {
        using var db = TestDatabases.Create(provider);
        var store = db.OpenStore();
        var clock = Models.Clock();
        var engine = Models.Deployed(store, clock, Models.Frist());
        engine.StartProcess("Frist");
        engine.StartProcess("Frist");
        clock.AdvanceHours(1);
        var leases = new FaultyLeases(store) { FailReleases = true };
        var executor = new JobExecutor(leases, _ => engine, clock, new JobExecutorOptions { Owner = "node-1" });

        executor.RunOnce().ShouldBe(2); // both ran and committed; giving the leases back failed

        executor.PendingReleases.ShouldBe(2);
        leases.FailReleases = false;
        executor.RunOnce().ShouldBe(0);
        executor.PendingReleases.ShouldBe(0);
        store.FindDueWork("default", Instant.MaxValue, 10).ShouldBeEmpty();
    }

    [Theory, MemberData(nameof(Providers))]
    public void TheTakeBackAtStart_FailingDuringAnOutage_IsRetried_BeforeAnythingIsAcquired(string provider)
    {
        using var db = TestDatabases.Create(provider);
        var store = db.OpenStore();
        var clock = Models.Clock();
        var engine = Models.Deployed(store, clock, Models.Frist());
        var id = engine.StartProcess("Frist");
        clock.AdvanceHours(1);
        // The killed process of node-1 held the timer; on this frozen clock its lease never runs out.
        store.AcquireDueJobs(null, "node-1", Duration.FromMinutes(5), 10, clock.GetCurrentInstant()).ShouldHaveSingleItem();
        var leases = new FaultyLeases(store) { FailReleaseAll = true };
        var restarted = new JobExecutor(leases, _ => engine, clock, new JobExecutorOptions { Owner = "node-1" });

        Should.Throw<SqliteException>(() => restarted.RunOnce());
        leases.Acquisitions.ShouldBe(0);

        leases.FailReleaseAll = false;
        restarted.RunOnce().ShouldBe(1);
        engine.GetInstance(id).State.ShouldBe(InstanceState.Completed);
    }

    [Theory, MemberData(nameof(Providers))]
    public void Heartbeat_KeepsALongJobItsNodes_AndAKilledNodesJobIsTakenOverWithinTheLease(string provider)
    {
        using var db = TestDatabases.Create(provider);
        var store = db.OpenStore();
        var clock = Models.Clock();
        Models.Deployed(store, clock, Models.Frist()).StartProcess("Frist");
        clock.AdvanceHours(1);
        var lease = Duration.FromSeconds(30);
        var node1 = new JobExecutor(store, _ => throw new InvalidOperationException("not run here"), clock, new JobExecutorOptions { Owner = "node-1", Lease = lease });
        var held = store.AcquireDueJobs(null, "node-1", lease, 10, clock.GetCurrentInstant()).ShouldHaveSingleItem(); // node-1 runs it (long)

        clock.AdvanceSeconds(20);
        node1.Heartbeat().ShouldBe(1);
        store.LeaseOf("default", held.Work).ShouldBe(("node-1", clock.GetCurrentInstant() + lease));
        clock.AdvanceSeconds(20); // 40 s after it was leased: without the heartbeat it would be free
        store.AcquireDueJobs(null, "node-2", lease, 10, clock.GetCurrentInstant()).ShouldBeEmpty();

        // node-1 is killed: no more heartbeats. Within the lease after the last one, node-2 takes the job over.
        clock.AdvanceSeconds(10);
        store.AcquireDueJobs(null, "node-2", lease, 10, clock.GetCurrentInstant()).ShouldHaveSingleItem().Work.ShouldBe(held.Work);
        node1.Heartbeat().ShouldBe(0, "a node that comes back does not extend a lease it lost");
    }

    [Fact]
    public async Task ARunningExecutor_BeatsWhileItHoldsAJob()
    {
        using var db = TestDatabases.Create("sqlite");
        var store = db.OpenStore();
        var clock = Models.Clock();
        var engine = Models.Deployed(store, clock, Models.Frist());
        engine.StartProcess("Frist");
        clock.AdvanceHours(1);
        using var release = new ManualResetEventSlim(false);
        var leases = new FaultyLeases(store) { BeforeRelease = () => release.Wait(TimeSpan.FromSeconds(30)) }; // the job "runs" until released
        var executor = new JobExecutor(leases, _ => engine, clock,
            new JobExecutorOptions { Owner = "node-1", Heartbeat = TimeSpan.FromMilliseconds(50), PollInterval = TimeSpan.FromMilliseconds(20) });

        await executor.StartAsync(CancellationToken.None);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (executor.Heartbeats < 2 && DateTime.UtcNow < deadline) await Task.Delay(20);
        release.Set();
        await executor.StopAsync(CancellationToken.None);

        executor.Heartbeats.ShouldBeGreaterThanOrEqualTo(2);
        executor.Executed.ShouldBe(1);
    }

    /// <summary>The lease operations of a store, failing on demand as they do while the database is away.</summary>
    [Fact]
    public async Task ATakeBackThatHangsAtStart_HoldsNoThreadPoolThread_AndNeitherTheHostsStart()
    {
        // Issue 21 item 6: a node started under load must answer while its job loop waits on the store. The loop (and the
        // take-back of earlier leases it begins with) runs on a thread of its own: no timing, only where it runs.
        using var db = TestDatabases.Create("sqlite");
        var store = db.OpenStore();
        var clock = Models.Clock();
        var engine = Models.Deployed(store, clock, Models.Frist());
        using var held = new ManualResetEventSlim(false);
        using var entered = new ManualResetEventSlim(false);
        var leases = new FaultyLeases(store) { BeforeReleaseAll = () => { entered.Set(); held.Wait(TimeSpan.FromMinutes(2)); } };
        using var executor = new JobExecutor(leases, _ => engine, clock, new JobExecutorOptions { Owner = "node-1" });

        await executor.StartAsync(CancellationToken.None); // returns although the take-back hangs
        entered.Wait(TimeSpan.FromMinutes(1)).ShouldBeTrue("the loop began with the take-back");

        executor.LoopOnThreadPool.ShouldBeFalse("the job loop must not hold a thread-pool thread");
        (await Task.Run(() => 42)).ShouldBe(42); // the pool still serves
        held.Set();
        await executor.StopAsync(CancellationToken.None);
    }

    private sealed class FaultyLeases(IJobLeaseStore inner) : IJobLeaseStore
    {
        public bool FailReleases { get; set; }
        public bool FailReleaseAll { get; set; }
        public Action? BeforeRelease { get; set; }
        public Action? BeforeReleaseAll { get; set; }
        public int Acquisitions { get; private set; }

        private static SqliteException Unreachable() => new("unable to open database file", 14);

        public IReadOnlyList<LeasedJob> AcquireDueJobs(string? tenantId, string owner, Duration lease, int max, Instant now)
        {
            Acquisitions++;
            return inner.AcquireDueJobs(tenantId, owner, lease, max, now);
        }

        public void Release(LeasedJob job, Instant? retryAt = null, LeaseEnd end = LeaseEnd.Finished)
        {
            BeforeRelease?.Invoke();
            if (FailReleases) throw Unreachable();
            inner.Release(job, retryAt, end);
        }

        public int ReleaseAll(string owner)
        {
            BeforeReleaseAll?.Invoke();
            return FailReleaseAll ? throw Unreachable() : inner.ReleaseAll(owner);
        }

        public int ExtendLeases(string owner, Instant until) => inner.ExtendLeases(owner, until);
    }
}
