using EGov.Workflows.Persistence.Jobs;
using EGov.Workflows.Runtime;
using EGov.Workflows.Runtime.Store;
using EGov.Workflows.Sdk;
using NodaTime;
using NodaTime.Testing;

namespace EGov.Workflows.Persistence.Tests;

/// <summary>
/// The job executor is fair and bounded (issue 20, item 2): one tenant's flood of due jobs does not keep another tenant's
/// timer waiting; a job stuck past its wall-clock budget is left behind; a job taken again and again without an outcome
/// (crashed nodes, runs past the budget) is parked as an incident instead of being run forever (poison job).
/// </summary>
public sealed class FairJobExecutorTests
{
    public static TheoryData<string> Providers() => TestDatabases.Providers();

    private const string Flood = "flut";
    private const string Quiet = "ruhig";

    [Theory, MemberData(nameof(Providers))]
    public void AFloodOfOneTenantsDueJobs_DoesNotKeepAnotherTenantsTimerWaiting(string provider)
    {
        using var db = TestDatabases.Create(provider);
        var store = db.OpenStore();
        var clock = Models.Clock();
        var flood = Models.Deployed(store, clock, Models.Frist("PT1H"), Flood);
        var quiet = Models.Deployed(store, clock, Models.Frist("PT2H"), Quiet); // due an hour after every job of the flood
        var floodIds = Enumerable.Range(0, 40).Select(_ => flood.StartProcess("Frist")).ToList();
        var quietId = quiet.StartProcess("Frist");
        var executor = new JobExecutor(store, t => t == Flood ? flood : quiet, clock, new JobExecutorOptions { Owner = "node-1", BatchSize = 8, BatchSlice = TimeSpan.FromMinutes(5) });

        clock.AdvanceHours(3);
        // The slice is long here: on a loaded machine a one-second slice would hand the batch's tail back, which is right but
        // not what this test is about.
        executor.RunOnce().ShouldBe(8);

        quiet.GetInstance(quietId).State.ShouldBe(InstanceState.Completed, "the quiet tenant's timer ran in the first batch, not after the 40 of the flood");
        floodIds.Count(id => flood.GetInstance(id).State == InstanceState.Completed).ShouldBe(7);
        while (executor.RunOnce() > 0) { }
        floodIds.ShouldAllBe(id => flood.GetInstance(id).State == InstanceState.Completed);
    }

    [Theory, MemberData(nameof(Providers))]
    public void ABatch_RunsEveryTenantsEarliestJobBeforeAnyTenantsSecond(string provider)
    {
        using var db = TestDatabases.Create(provider);
        var store = db.OpenStore();
        var clock = Models.Clock();
        foreach (var tenant in new[] { "a", "b", "c" })
        {
            var e = Models.Deployed(store, clock, Models.Frist("PT1H"), tenant);
            for (var i = 0; i < (tenant == "a" ? 10 : 2); i++) e.StartProcess("Frist");
        }

        var batch = store.AcquireDueJobs(null, "node-1", Duration.FromMinutes(1), 6, clock.GetCurrentInstant() + Duration.FromHours(2));

        batch.Count.ShouldBe(6);
        batch.Take(3).Select(j => j.TenantId).ShouldBe(["a", "b", "c"], ignoreOrder: true);
        batch.Skip(3).Select(j => j.TenantId).ShouldBe(["a", "b", "c"], ignoreOrder: true);
    }

    [Theory, MemberData(nameof(Providers))]
    public void ABatchThatHadItsTime_HandsBackWhatItHasNotStarted_Untouched(string provider)
    {
        using var db = TestDatabases.Create(provider);
        var store = db.OpenStore();
        var clock = Models.Clock();
        var engine = SlowEngine(store, clock, new ActivityRegistry().Add(typeof(Sleepy), () => new Sleepy()), maxDuration: Duration.FromSeconds(30));
        for (var i = 0; i < 5; i++) engine.StartProcess("Langsam");
        var executor = new JobExecutor(store, _ => engine, clock, new JobExecutorOptions { Owner = "node-1", BatchSize = 8, BatchSlice = TimeSpan.FromMilliseconds(100) });

        executor.RunOnce().ShouldBe(1); // one job of 150 ms used up the slice

        var rest = store.AcquireDueJobs(null, "node-2", Duration.FromMinutes(1), 10, clock.GetCurrentInstant());
        rest.Count.ShouldBe(4);
        rest.ShouldAllBe(j => j.Attempts == 1, "handed back untouched: no attempt counted");
    }

    [Theory, MemberData(nameof(Providers))]
    public void AJobTakenTwiceWithoutAnOutcome_IsParkedAsAnIncident_NotRunAThirdTime(string provider)
    {
        using var db = TestDatabases.Create(provider);
        var store = db.OpenStore();
        var clock = Models.Clock();
        var engine = Models.Deployed(store, clock, Models.Frist("PT1H"));
        var id = engine.StartProcess("Frist");
        clock.AdvanceHours(2);
        // Two nodes took the job and died with it (no hand-back): their leases expire.
        for (var crash = 1; crash <= 2; crash++)
        {
            store.AcquireDueJobs(null, $"node-dead-{crash}", Duration.FromMinutes(1), 10, clock.GetCurrentInstant()).ShouldHaveSingleItem().Attempts.ShouldBe(crash);
            clock.AdvanceMinutes(2);
        }
        var executor = new JobExecutor(store, _ => engine, clock, new JobExecutorOptions { Owner = "node-1" });

        executor.RunOnce().ShouldBe(0);

        executor.Parked.ShouldBe(1);
        var view = engine.GetInstance(id);
        view.State.ShouldBe(InstanceState.Incident);
        view.Waiting.ShouldBe(["Warten"], "the timer did not fire a third time");
        var incident = view.Incidents.ShouldHaveSingleItem();
        incident.ElementId.ShouldBe("Warten");
        incident.Message.ShouldBe(JobExecutor.PoisonMessage(3));
        incident.Message.ShouldContain("angehalten");
        clock.AdvanceHours(1);
        store.AcquireDueJobs(null, "node-2", Duration.FromMinutes(1), 10, clock.GetCurrentInstant()).ShouldBeEmpty("a parked job is not due any more");
    }

    [Theory, MemberData(nameof(Providers))]
    public void HandingAJobBackUntouched_DoesNotCountAsAnAttempt(string provider)
    {
        using var db = TestDatabases.Create(provider);
        var store = db.OpenStore();
        var clock = Models.Clock();
        var engine = Models.Deployed(store, clock, Models.Frist("PT1H"));
        var id = engine.StartProcess("Frist");
        clock.AdvanceHours(2);
        for (var i = 0; i < 5; i++)
        {
            var job = store.AcquireDueJobs(null, "node-1", Duration.FromMinutes(1), 10, clock.GetCurrentInstant()).ShouldHaveSingleItem();
            job.Attempts.ShouldBe(1);
            store.Release(job, null, LeaseEnd.Untouched); // e.g. shutting down, or the store failed before it ran
        }

        new JobExecutor(store, _ => engine, clock, new JobExecutorOptions { Owner = "node-1" }).RunOnce().ShouldBe(1);

        engine.GetInstance(id).State.ShouldBe(InstanceState.Completed);
    }

    [Theory, MemberData(nameof(Providers))]
    public void AnActivityThatHonoursItsCancellation_IsStoppedByTheCommandBudget_AndOpensAnIncident(string provider)
    {
        using var db = TestDatabases.Create(provider);
        var store = db.OpenStore();
        var clock = Models.Clock();
        var engine = SlowEngine(store, clock, new ActivityRegistry().Add(typeof(Patient), () => new Patient()));
        var id = engine.StartProcess("Langsam");
        var executor = new JobExecutor(store, _ => engine, clock, new JobExecutorOptions { Owner = "node-1" });

        executor.RunOnce().ShouldBe(1); // the job ran to its end: an incident

        var incident = engine.GetInstance(id).Incidents.ShouldHaveSingleItem();
        incident.ElementId.ShouldBe("Abfragen");
        incident.Message.ShouldContain("ran longer than 0.3 s");
        executor.Abandoned.ShouldBe(0);
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task AJobStuckPastItsWallClockBudget_IsLeftBehindTwice_ThenParked_AndNeverCommitsLate(string provider)
    {
        using var db = TestDatabases.Create(provider);
        var store = db.OpenStore();
        var clock = Models.Clock();
        using var gate = new ManualResetEventSlim(false);
        var finished = 0;
        var engine = SlowEngine(store, clock, new ActivityRegistry().Add(typeof(Stubborn), () => new Stubborn(gate, () => Interlocked.Increment(ref finished))));
        var id = engine.StartProcess("Langsam");
        var executor = new JobExecutor(store, _ => engine, clock, new JobExecutorOptions { Owner = "node-1", JobTimeout = TimeSpan.FromMilliseconds(600) });

        for (var round = 1; round <= 2; round++)
        {
            clock.AdvanceHours(1); // past the back-off of the run left behind
            executor.RunOnce().ShouldBe(0);
            executor.Abandoned.ShouldBe(round);
            engine.GetInstance(id).Incidents.ShouldBeEmpty();
        }
        clock.AdvanceHours(1);
        executor.RunOnce().ShouldBe(0);
        executor.Parked.ShouldBe(1);

        gate.Set(); // the two runs left behind come back now: far past the engine's budget, they must not commit
        var until = DateTime.UtcNow.AddSeconds(20);
        while (Volatile.Read(ref finished) < 2 && DateTime.UtcNow < until) await Task.Delay(20);
        await Task.Delay(300); // their roll-back and the attempt to open an incident
        var view = engine.GetInstance(id);
        view.State.ShouldBe(InstanceState.Incident, string.Join("; ", view.History.Select(h => h.ElementId)));
        view.Incidents.ShouldHaveSingleItem().Message.ShouldBe(JobExecutor.PoisonMessage(3));
        view.History.ShouldNotContain(h => h.ElementId == "Ende");
    }

    /// <summary>A service task bound to the activity "abfrage", run as a job (async before); the engine's command budget is 0.3 s.</summary>
    private static WorkflowEngine SlowEngine(IRuntimeStore store, IClock clock, ActivityRegistry activities, Duration? maxDuration = null)
    {
        var engine = new WorkflowEngine(new WorkflowEngineOptions
        {
            Store = store, Clock = clock, Activities = activities,
            CommandLimits = CommandLimits.Default with { MaxDuration = maxDuration ?? Duration.FromMilliseconds(300) },
        });
        engine.Deploy("langsam.bpmn", Models.Read(Models.Head.Replace("xmlns:camunda=", "xmlns:egov=\"https://egov-workflows.de/schema/bpmn/1.0\" xmlns:camunda=", StringComparison.Ordinal) + """
              <process id="Langsam" isExecutable="true">
                <startEvent id="Start" />
                <serviceTask id="Abfragen" egov:activity="abfrage" camunda:asyncBefore="true" />
                <endEvent id="Ende" />
                <sequenceFlow id="f1" sourceRef="Start" targetRef="Abfragen" />
                <sequenceFlow id="f2" sourceRef="Abfragen" targetRef="Ende" />
              </process>
            </definitions>
            """));
        return engine;
    }

    /// <summary>Waits for a slow service, giving up when the engine cancels.</summary>
    [Activity("abfrage")]
    private sealed class Patient : WorkflowActivity
    {
        public override async Task<ActivityResult> ExecuteAsync(ActivityContext context)
        {
            await Task.Delay(Timeout.Infinite, context.CancellationToken);
            return ActivityResult.Complete();
        }
    }

    /// <summary>Takes 150 ms.</summary>
    [Activity("abfrage")]
    private sealed class Sleepy : WorkflowActivity
    {
        public override async Task<ActivityResult> ExecuteAsync(ActivityContext context)
        {
            await Task.Delay(150, context.CancellationToken);
            return ActivityResult.Complete();
        }
    }

    /// <summary>Blocks until the test opens the gate, ignoring every cancellation (what the engine cannot stop).</summary>
    [Activity("abfrage")]
    private sealed class Stubborn(ManualResetEventSlim gate, Action finished) : WorkflowActivity
    {
        public override Task<ActivityResult> ExecuteAsync(ActivityContext context)
        {
            gate.Wait(TimeSpan.FromSeconds(60));
            finished();
            return Task.FromResult(ActivityResult.Complete());
        }
    }
}
