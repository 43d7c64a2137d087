using EGov.Workflows.Persistence.Deployments;
using EGov.Workflows.Persistence.Retention;
using EGov.Workflows.Persistence.Schema;
using EGov.Workflows.Runtime;
using EGov.Workflows.Runtime.State;
using NodaTime;

namespace EGov.Workflows.Persistence.Tests;

/// <summary>Variable changes, task and incident events in the durable store: same transaction, per root instance, retention.</summary>
public sealed class HistoryDetailTests
{
    public static TheoryData<string> Providers() => TestDatabases.Providers();

    private static System.Text.Json.Nodes.JsonObject Obj(string json) => System.Text.Json.Nodes.JsonNode.Parse(json)!.AsObject();

    [Theory, MemberData(nameof(Providers))]
    public void DetailedHistory_IsReadBackPerRootInstance_InTheOrderItWasWritten(string provider)
    {
        using var db = TestDatabases.Create(provider);
        var store = db.OpenStore();
        var clock = Models.Clock();
        var engine = Models.Deployed(store, clock, Models.Antrag());
        var id = engine.StartProcess("Antrag", Obj("""{"betrag": 10}"""));
        var other = engine.StartProcess("Antrag");
        var task = engine.OpenUserTasks(id).Single();
        engine.ClaimUserTask(task.Id, "anna");
        clock.AdvanceMinutes(3);
        engine.CompleteUserTask(task.Id, Obj("""{"betrag": {"netto": 12}}"""), userId: "anna");

        var vars = store.VariableHistory("default", id);
        vars.Select(v => (v.Name, v.Change, v.OldValue, v.NewValue)).ShouldBe([
            ("betrag", VariableChange.Created, null, "10"), ("betrag", VariableChange.Updated, "10", """{"netto":12}"""),
        ]);
        vars[1].ShouldBe(engine.VariableHistory(id)[1]);
        vars[1].At.ShouldBe(clock.GetCurrentInstant());
        vars[1].UserId.ShouldBe("anna");
        store.TaskHistory("default", id).Select(t => (t.Event, t.UserId)).ShouldBe([
            (TaskEvent.Created, null), (TaskEvent.Assigned, "anna"), (TaskEvent.Completed, "anna"),
        ]);
        store.TaskHistory("default", other).ShouldHaveSingleItem().Event.ShouldBe(TaskEvent.Created);
        store.VariableHistory("other-tenant", id).ShouldBeEmpty();
    }

    [Theory, MemberData(nameof(Providers))]
    public void IncidentEvents_AreStored(string provider)
    {
        using var db = TestDatabases.Create(provider);
        var store = db.OpenStore();
        var engine = Models.Deployed(store, Models.Clock(), Models.Head + """
              <process id="Kaputt" isExecutable="true">
                <startEvent id="S" /><sequenceFlow id="f1" sourceRef="S" targetRef="T" />
                <scriptTask id="T" scriptFormat="javascript"><script>throw new Error('kaputt');</script></scriptTask>
              </process>
            </definitions>
            """);
        var id = engine.StartProcess("Kaputt");
        engine.CancelInstance(id);

        var events = store.IncidentHistory("default", id);
        events.Select(e => (e.Event, e.ElementId, e.IncidentKind)).ShouldBe([
            (IncidentEvent.Created, "T", IncidentKind.FailedScript), (IncidentEvent.Deleted, "T", IncidentKind.FailedScript),
        ]);
    }

    [Theory, MemberData(nameof(Providers))]
    public void AFailedCommit_WritesNoDetailedHistoryEither(string provider)
    {
        using var db = TestDatabases.Create(provider);
        var store = db.OpenStore();
        var engine = Models.Deployed(store, Models.Clock(), Models.Antrag());
        var id = engine.StartProcess("Antrag", Obj("""{"betrag": 10}"""));
        var task = engine.OpenUserTasks(id).Single();
        store.BeforeTransactionCommit = _ => throw new IOException("disk gone");

        Should.Throw<IOException>(() => engine.CompleteUserTask(task.Id, Obj("""{"betrag": 11}""")));

        store.BeforeTransactionCommit = null;
        store.VariableHistory("default", id).Count.ShouldBe(1);
        store.TaskHistory("default", id).Count.ShouldBe(1);
        CommitTests.CountRows(db, "history_variables").ShouldBe(1);
    }

    [Theory, MemberData(nameof(Providers))]
    public void Retention_DeletesTheDetailedHistoryWithTheInstance(string provider)
    {
        using var db = TestDatabases.Create(provider);
        var store = db.OpenStore();
        var clock = Models.Clock();
        var engine = Models.Engine(store, clock);
        new DurableDeployments(store, clock).Deploy(engine, "antrag.bpmn", Models.Read(Models.Antrag(ttl: "P10D")));
        var ended = engine.StartProcess("Antrag", Obj("""{"betrag": 10}"""));
        var kept = engine.StartProcess("Antrag", Obj("""{"betrag": 20}"""));
        engine.CompleteUserTask(engine.OpenUserTasks(ended).Single().Id);
        clock.AdvanceHours(1);
        engine.RunDueJobs();
        engine.GetInstance(ended).State.ShouldBe(InstanceState.Completed);

        clock.AdvanceDays(11);
        new HistoryCleanupService(store, clock).RunOnce().ShouldBe(1);

        store.VariableHistory("default", ended).ShouldBeEmpty();
        store.TaskHistory("default", ended).ShouldBeEmpty();
        store.VariableHistory("default", kept).ShouldHaveSingleItem();
        store.TaskHistory("default", kept).ShouldHaveSingleItem();
    }

    [Theory, MemberData(nameof(Providers))]
    public void ADatabaseAtVersion1_IsUpgraded_AndKeepsItsInstances(string provider)
    {
        using var db = TestDatabases.Create(provider);
        SchemaMigrator.MigrateTo(db.Options, 1).ShouldBe([1]);
        var clock = Models.Clock();
        var old = new WorkflowEngine(new WorkflowEngineOptions
        {
            Store = new EfRuntimeStore(db.Options, migrate: false), Clock = clock, HistoryLevel = HistoryLevel.Activity,
        });
        old.Deploy("model.bpmn", Models.Read(Models.Antrag()));
        var id = old.StartProcess("Antrag");

        var store = db.OpenStore(); // a restart with the new build
        SchemaMigrator.AppliedVersions(db.Options).ShouldBe(SchemaMigrator.Scripts(db.Options.Provider).Select(s => s.Version).ToList());
        var engine = Models.Deployed(store, clock, Models.Antrag());
        engine.CompleteUserTask(engine.OpenUserTasks(id).Single().Id, userId: "anna");

        store.TaskHistory("default", id).ShouldHaveSingleItem().Event.ShouldBe(TaskEvent.Completed);
        engine.History(id).ShouldNotBeEmpty();
    }
}
