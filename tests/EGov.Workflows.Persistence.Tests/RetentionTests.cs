using EGov.Workflows.Persistence.Deployments;
using EGov.Workflows.Persistence.Retention;
using EGov.Workflows.Runtime;
using NodaTime;

namespace EGov.Workflows.Persistence.Tests;

public sealed class RetentionTests
{
    public static TheoryData<string> Providers() => TestDatabases.Providers();

    [Theory, MemberData(nameof(Providers))]
    public void Cleanup_DeletesEndedInstancesAfterTheirTimeToLive_AndKeepsEverythingElse(string provider)
    {
        using var db = TestDatabases.Create(provider);
        var store = db.OpenStore();
        var clock = Models.Clock();
        var engine = Models.Engine(store, clock);
        var deployments = new DurableDeployments(store, clock);
        deployments.Deploy(engine, "bescheid.bpmn", Models.Read(Models.Bescheid(ttl: "P30D")));
        deployments.Deploy(engine, "antrag.bpmn", Models.Read(Models.Antrag(ttl: "30")));
        var ended = engine.StartProcess("Bescheid");
        var running = engine.StartProcess("Antrag");
        var keptForever = Models.Deployed(store, clock, Models.Frist("PT1M"), "other-tenant"); // no time to live, deployed without the table
        var other = keptForever.StartProcess("Frist");
        clock.AdvanceMinutes(1);
        keptForever.RunDueJobs();
        keptForever.GetInstance(other).State.ShouldBe(InstanceState.Completed);
        var cleanup = new HistoryCleanupService(store, clock);

        clock.AdvanceDays(29);
        cleanup.RunOnce().ShouldBe(0);
        engine.History(ended).ShouldNotBeEmpty();

        clock.AdvanceDays(2);
        cleanup.RunOnce().ShouldBe(1);

        store.Load("default", ended).ShouldBeNull();
        engine.History(ended).ShouldBeEmpty();
        Should.Throw<WorkflowCommandException>(() => engine.GetInstance(ended));
        engine.GetInstance(running).State.ShouldBe(InstanceState.Running);
        keptForever.GetInstance(other).History.ShouldNotBeEmpty();
        cleanup.RunOnce().ShouldBe(0);
    }

    [Theory, MemberData(nameof(Providers))]
    public void Cleanup_CountsFromTheEnd_NotFromTheStart(string provider)
    {
        using var db = TestDatabases.Create(provider);
        var store = db.OpenStore();
        var clock = Models.Clock();
        var engine = Models.Engine(store, clock);
        new DurableDeployments(store, clock).Deploy(engine, "antrag.bpmn", Models.Read(Models.Antrag(ttl: "P10D")));
        var id = engine.StartProcess("Antrag");
        clock.AdvanceDays(20);
        engine.CompleteUserTask(engine.OpenUserTasks(id).Single().Id);
        clock.AdvanceHours(1);
        engine.RunDueJobs();
        engine.GetInstance(id).State.ShouldBe(InstanceState.Completed);

        store.DeleteExpiredHistory(clock.GetCurrentInstant() + Duration.FromDays(9)).ShouldBeEmpty();
        store.DeleteExpiredHistory(clock.GetCurrentInstant() + Duration.FromDays(10)).ShouldHaveSingleItem().RootInstanceId.ShouldBe(id);
    }
    [Theory, MemberData(nameof(Providers))]
    public void Cleanup_RestsBetweenFullBatches_AsLongAsEachTook_SoCasesBeingWorkedGetTheWriter(string provider)
    {
        using var db = TestDatabases.Create(provider);
        var store = db.OpenStore();
        var clock = Models.Clock();
        var engine = Models.Engine(store, clock);
        new DurableDeployments(store, clock).Deploy(engine, "bescheid.bpmn", Models.Read(Models.Bescheid(ttl: "P30D")));
        for (var n = 0; n < 5; n++) engine.StartProcess("Bescheid");
        clock.AdvanceDays(31);
        var rests = new List<TimeSpan>();
        var cleanup = new HistoryCleanupService(store, clock) { BatchSize = 2, Rest = (pause, _) => rests.Add(pause) };

        cleanup.RunOnce().ShouldBe(5);

        rests.Count.ShouldBe(2, "a rest after each of the two full batches, none after the last, partial one");
        rests.ShouldAllBe(r => r > TimeSpan.Zero);
        var unpaced = new List<TimeSpan>();
        for (var n = 0; n < 3; n++) engine.StartProcess("Bescheid");
        clock.AdvanceDays(31);
        new HistoryCleanupService(store, clock) { BatchSize = 1, PauseFactor = 0, Rest = (pause, _) => unpaced.Add(pause) }.RunOnce().ShouldBe(3);
        unpaced.ShouldBeEmpty();
    }
}
