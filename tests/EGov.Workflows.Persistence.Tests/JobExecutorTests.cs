using EGov.Workflows.Persistence.Jobs;
using EGov.Workflows.Runtime;
using EGov.Workflows.Runtime.State;
using EGov.Workflows.Runtime.Store;
using NodaTime;

namespace EGov.Workflows.Persistence.Tests;

public sealed class JobExecutorTests
{
    public static TheoryData<string> Providers() => TestDatabases.Providers();

    [Theory, MemberData(nameof(Providers))]
    public void RunOnce_RunsEveryDueTimerThroughTheEngine_AndLeavesNoLease(string provider)
    {
        using var db = TestDatabases.Create(provider);
        var store = db.OpenStore();
        var clock = Models.Clock();
        var engine = Models.Deployed(store, clock, Models.Frist());
        var ids = Enumerable.Range(0, 5).Select(_ => engine.StartProcess("Frist")).ToList();
        var executor = new JobExecutor(store, _ => engine, clock, new JobExecutorOptions { Owner = "node-1" });

        executor.RunOnce().ShouldBe(0); // nothing due yet
        clock.AdvanceHours(1);
        executor.RunOnce().ShouldBe(5);

        ids.ShouldAllBe(id => engine.GetInstance(id).State == InstanceState.Completed);
        store.FindDueWork("default", clock.GetCurrentInstant() + Duration.FromDays(1), 10).ShouldBeEmpty();
        executor.Executed.ShouldBe(5);
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task TwoNodes_RunningTogether_CompleteEveryInstanceExactlyOnce(string provider)
    {
        using var db = TestDatabases.Create(provider);
        var clock = Models.Clock();
        var seed = Models.Deployed(db.OpenStore(), clock, Models.Frist());
        var ids = Enumerable.Range(0, 40).Select(_ => seed.StartProcess("Frist")).ToList();
        clock.AdvanceHours(1);

        var executors = Enumerable.Range(1, 2).Select(n =>
        {
            var store = db.OpenStore();
            var engine = Models.Deployed(store, clock, Models.Frist());
            return new JobExecutor(store, _ => engine, clock, new JobExecutorOptions { Owner = $"node-{n}", BatchSize = 3, PollInterval = TimeSpan.FromMilliseconds(20) });
        }).ToList();
        foreach (var e in executors) await e.StartAsync(CancellationToken.None);
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (ids.Any(id => seed.GetInstance(id).State != InstanceState.Completed) && DateTime.UtcNow < deadline) await Task.Delay(50);
        foreach (var e in executors) await e.StopAsync(CancellationToken.None);

        foreach (var id in ids)
        {
            var view = seed.GetInstance(id);
            view.State.ShouldBe(InstanceState.Completed);
            view.History.Count(h => h.ElementId == "Warten").ShouldBe(1);
            view.History.Count(h => h.ElementId == "Ende").ShouldBe(1);
        }
        executors.Sum(e => e.Executed).ShouldBe(ids.Count);
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task StopAsync_ReleasesWhatTheNodeStillHolds(string provider)
    {
        using var db = TestDatabases.Create(provider);
        var store = db.OpenStore();
        var clock = Models.Clock();
        var engine = Models.Deployed(store, clock, Models.Frist());
        engine.StartProcess("Frist");
        var inAnHour = clock.GetCurrentInstant() + Duration.FromHours(1);
        var executor = new JobExecutor(store, _ => engine, clock, new JobExecutorOptions { Owner = "node-1", PollInterval = TimeSpan.FromMilliseconds(20) });
        // A lease of an earlier life is taken back at start; wait for that, so the lease below is one the running node holds.
        var earlier = store.AcquireDueJobs(null, "node-1", Duration.FromMinutes(5), 10, inAnHour).ShouldHaveSingleItem();
        await executor.StartAsync(CancellationToken.None);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (store.LeaseOf("default", earlier.Work).Owner == "node-1" && DateTime.UtcNow < deadline) await Task.Delay(20);
        store.LeaseOf("default", earlier.Work).Owner.ShouldNotBe("node-1");
        // Leased for the node while it runs (due in an hour by the lease's clock, not yet by the executor's, so it stays held).
        var held = store.AcquireDueJobs(null, "node-1", Duration.FromMinutes(5), 10, inAnHour).ShouldHaveSingleItem();
        store.LeaseOf("default", held.Work).Owner.ShouldBe("node-1");

        await executor.StopAsync(CancellationToken.None);

        store.LeaseOf("default", held.Work).Owner.ShouldNotBe("node-1");
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task NodeRestartedUnderItsName_TakesBackTheLeasesItsKilledProcessHeld_AtOnce(string provider)
    {
        using var db = TestDatabases.Create(provider);
        var store = db.OpenStore();
        var clock = Models.Clock();
        var engine = Models.Deployed(store, clock, Models.Frist());
        var id = engine.StartProcess("Frist");
        clock.AdvanceHours(1);
        // The killed process leased the timer and never gave it back; on this frozen clock the lease never runs out.
        store.AcquireDueJobs(null, "node-1", Duration.FromMinutes(5), 10, clock.GetCurrentInstant()).ShouldHaveSingleItem();
        new JobExecutor(store, _ => engine, clock, new JobExecutorOptions { Owner = "node-2" }).RunOnce().ShouldBe(0); // another node waits

        var restarted = new JobExecutor(store, _ => engine, clock, new JobExecutorOptions { Owner = "node-1", PollInterval = TimeSpan.FromMilliseconds(20) });
        await restarted.StartAsync(CancellationToken.None);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (engine.GetInstance(id).State != InstanceState.Completed && DateTime.UtcNow < deadline) await Task.Delay(20);
        await restarted.StopAsync(CancellationToken.None);

        engine.GetInstance(id).State.ShouldBe(InstanceState.Completed);
        restarted.Executed.ShouldBe(1); // the timer, once
    }

    [Theory, MemberData(nameof(Providers))]
    public void ConflictingCommit_IsRetried_UntilTheJobRuns(string provider)
    {
        using var db = TestDatabases.Create(provider);
        var store = db.OpenStore();
        var clock = Models.Clock();
        var interfering = new InterferingStore(store, count: 2);
        var engine = Models.Deployed(interfering, clock, Models.Frist());
        var id = engine.StartProcess("Frist");
        clock.AdvanceHours(1);
        interfering.Armed = true;
        var executor = new JobExecutor(store, _ => engine, clock, new JobExecutorOptions { Owner = "node-1", ConflictBackoff = TimeSpan.FromMilliseconds(1) });

        executor.RunOnce().ShouldBe(1);

        executor.Conflicts.ShouldBe(2);
        var view = engine.GetInstance(id);
        view.State.ShouldBe(InstanceState.Completed);
        view.BusinessKey.ShouldBe("changed meanwhile 2");
        view.History.Count(h => h.ElementId == "Warten").ShouldBe(1);
    }

    [Theory, MemberData(nameof(Providers))]
    public void JobOfAVersionAnotherNodeDeployed_RunsAfterTheExecutorSyncsDeployments(string provider)
    {
        using var db = TestDatabases.Create(provider);
        var clock = Models.Clock();
        var storeB = db.OpenStore();
        var nodeB = Models.Engine(storeB, clock); // started before anything was deployed
        var storeA = db.OpenStore();
        var nodeA = Models.Engine(storeA, clock);
        new Deployments.DurableDeployments(storeA, clock).Deploy(nodeA, "frist.bpmn", Models.Read(Models.Frist()));
        var id = nodeA.StartProcess("Frist");
        clock.AdvanceHours(1);
        var executor = new JobExecutor(storeB, _ => nodeB, clock, new JobExecutorOptions
        {
            Owner = "node-b", SyncDeployments = e => new Deployments.DurableDeployments(storeB, clock).Restore(e),
        });

        executor.RunOnce().ShouldBe(1);

        nodeB.GetInstance(id).State.ShouldBe(InstanceState.Completed);
    }

    [Theory, MemberData(nameof(Providers))]
    public void StartTimer_IsLeasedAndFired_StartingOneInstance(string provider)
    {
        using var db = TestDatabases.Create(provider);
        var store = db.OpenStore();
        var clock = Models.Clock();
        var xml = Models.Bescheid().Replace("<startEvent id=\"Start\" />",
            "<startEvent id=\"Start\"><timerEventDefinition><timeDate>2026-03-02T09:00:00Z</timeDate></timerEventDefinition></startEvent>", StringComparison.Ordinal);
        var engine = Models.Engine(store, clock);
        new Deployments.DurableDeployments(store, clock).Deploy(engine, "bescheid.bpmn", Models.Read(xml));
        store.StartTimers("default").ShouldHaveSingleItem();
        var executor = new JobExecutor(store, _ => engine, clock, new JobExecutorOptions { Owner = "node-1" });

        executor.RunOnce().ShouldBe(0);
        clock.AdvanceHours(1);
        executor.RunOnce().ShouldBe(1);
        executor.RunOnce().ShouldBe(0);

        store.StartTimers("default").ShouldBeEmpty();
        store.History("default", "x").ShouldBeEmpty();
        CommitTests.CountRows(db, "instances").ShouldBe(1);
    }

    /// <summary>Lets another command change the instance right before each of the engine's next commits.</summary>
    private sealed class InterferingStore(EfRuntimeStore inner, int count) : IRuntimeStore
    {
        private readonly int _times = count;
        private int _left = count;
        public bool Armed { get; set; }

        public void Commit(RuntimeChangeSet changes)
        {
            if (Armed && _left > 0 && changes.Instances.Count > 0)
            {
                var s = inner.Load(changes.TenantId, changes.Instances[0].Id)!;
                s.BusinessKey = $"changed meanwhile {_times - --_left}";
                var other = new RuntimeChangeSet { TenantId = changes.TenantId };
                other.Instances.Add(s);
                inner.Commit(other);
            }
            inner.Commit(changes);
        }

        public ProcessInstanceState? Load(string tenantId, string instanceId) => inner.Load(tenantId, instanceId);
        public IReadOnlyList<SubscriptionRow> FindSubscriptions(string tenantId, SubscriptionKind kind, string eventName) => inner.FindSubscriptions(tenantId, kind, eventName);
        public IReadOnlyList<string> InstancesWithConditions(string tenantId) => inner.InstancesWithConditions(tenantId);
        public IReadOnlyList<DueWork> FindDueWork(string tenantId, Instant until, int max) => inner.FindDueWork(tenantId, until, max);
        public Instant? NextDue(string tenantId, Instant now) => inner.NextDue(tenantId, now);
        public IReadOnlyList<UserTaskRow> OpenUserTasks(string tenantId, string? rootInstanceId = null) => inner.OpenUserTasks(tenantId, rootInstanceId);
        public IReadOnlyList<ExternalTaskRow> OpenExternalTasks(string tenantId, string? rootInstanceId = null) => inner.OpenExternalTasks(tenantId, rootInstanceId);
        public IReadOnlyList<IncidentRow> OpenIncidents(string tenantId, string? rootInstanceId = null) => inner.OpenIncidents(tenantId, rootInstanceId);
        public IReadOnlyList<string> InstanceTree(string tenantId, string rootInstanceId) => inner.InstanceTree(tenantId, rootInstanceId);
        public IReadOnlyList<string> RunningInstances(string tenantId, string processId, int version) => inner.RunningInstances(tenantId, processId, version);
        public long CountOpenCases(string tenantId) => inner.CountOpenCases(tenantId);
        public IReadOnlyList<VariableChangeRecord> VariableHistory(string tenantId, string rootInstanceId) => inner.VariableHistory(tenantId, rootInstanceId);
        public IReadOnlyList<TaskEventRecord> TaskHistory(string tenantId, string rootInstanceId) => inner.TaskHistory(tenantId, rootInstanceId);
        public IReadOnlyList<IncidentEventRecord> IncidentHistory(string tenantId, string rootInstanceId) => inner.IncidentHistory(tenantId, rootInstanceId);
        public IReadOnlyList<ElementInstanceRecord> History(string tenantId, string rootInstanceId) => inner.History(tenantId, rootInstanceId);
        public IReadOnlyList<StartTimerState> StartTimers(string tenantId) => inner.StartTimers(tenantId);
        public IReadOnlyList<Runtime.Decisions.DecisionEvaluationRecord> DecisionHistory(string tenantId, Runtime.Decisions.DecisionHistoryQuery query) =>
            inner.DecisionHistory(tenantId, query);
    }
}
