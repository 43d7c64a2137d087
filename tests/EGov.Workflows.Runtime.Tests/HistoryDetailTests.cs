using EGov.Workflows.Runtime.State;

namespace EGov.Workflows.Runtime.Tests;

/// <summary>The detailed history: variable changes, task lifecycles and incidents, written with the command that caused them.</summary>
public class HistoryDetailTests
{
    private const string Review = """
        <startEvent id="S" /><sequenceFlow id="f1" sourceRef="S" targetRef="Pruefen" />
        <userTask id="Pruefen" /><sequenceFlow id="f2" sourceRef="Pruefen" targetRef="E" /><endEvent id="E" />
        """;

    [Fact]
    public void Variables_StartCreatesThem_CompleteUpdatesThem_WithOldAndNewValueAndTheUser()
    {
        var h = new Harness().Process(Review).Start(new { betrag = 10, art = "Gebuehr" });
        var task = h.Engine.OpenUserTasks(h.Instance).Single();
        h.Clock.AdvanceMinutes(5);
        h.Engine.CompleteUserTask(task.Id, Harness.Vars(new { betrag = 12, art = "Gebuehr", entscheidung = "ok" }), userId: "sachbearbeiterin");

        var changes = h.Engine.VariableHistory(h.Instance!);
        changes.Select(c => (c.Name, c.Change, c.OldValue, c.NewValue, c.Command)).ShouldBe([
            ("betrag", VariableChange.Created, null, "10", "StartProcess"),
            ("art", VariableChange.Created, null, "\"Gebuehr\"", "StartProcess"),
            ("betrag", VariableChange.Updated, "10", "12", "CompleteUserTask"),
            ("entscheidung", VariableChange.Created, null, "\"ok\"", "CompleteUserTask"),
        ]);
        changes[2].UserId.ShouldBe("sachbearbeiterin");
        changes[2].At.ShouldBe(h.Clock.GetCurrentInstant());
        changes[2].ScopeElementId.ShouldBe("P");
    }

    [Fact]
    public void UserTask_CreatedClaimedUnclaimedCompleted_EachStepWithWhoAndWhen()
    {
        var h = new Harness().Process(Review).Start();
        var task = h.Engine.OpenUserTasks(h.Instance).Single();
        h.Engine.ClaimUserTask(task.Id, "anna");
        h.Engine.ClaimUserTask(task.Id, null);
        h.Engine.ClaimUserTask(task.Id, "ben");
        h.Clock.AdvanceMinutes(1);
        h.Engine.CompleteUserTask(task.Id);

        var events = h.Engine.TaskHistory(h.Instance!);
        events.Select(e => (e.Event, e.UserId)).ShouldBe([
            (TaskEvent.Created, null), (TaskEvent.Assigned, "anna"), (TaskEvent.Unassigned, "anna"), (TaskEvent.Assigned, "ben"),
            (TaskEvent.Completed, "ben"),
        ]);
        events.ShouldAllBe(e => e.TaskId == task.Id && e.Kind == TaskKind.User && e.ElementId == "Pruefen");
        events[^1].At.ShouldBe(h.Clock.GetCurrentInstant());
    }

    [Fact]
    public void UserTask_InterruptedByATimer_IsCancelledWithTheReason()
    {
        var h = new Harness().Process("""
            <startEvent id="S" /><sequenceFlow id="f1" sourceRef="S" targetRef="Pruefen" /><userTask id="Pruefen" />
            <boundaryEvent id="Frist" attachedToRef="Pruefen"><timerEventDefinition><timeDuration>P14D</timeDuration></timerEventDefinition></boundaryEvent>
            <sequenceFlow id="f2" sourceRef="Frist" targetRef="Mahnen" /><userTask id="Mahnen" />
            """).Start();
        h.Advance("P14D");

        var events = h.Engine.TaskHistory(h.Instance!);
        events.Select(e => (e.ElementId, e.Event)).ShouldBe([
            ("Pruefen", TaskEvent.Created), ("Pruefen", TaskEvent.Cancelled), ("Mahnen", TaskEvent.Created),
        ]);
        events[1].Detail.ShouldNotBeNull().ShouldContain("cancelled");
    }

    [Fact]
    public void UserTask_OfACancelledInstance_IsCancelledBecauseTheInstanceWasTerminated()
    {
        var h = new Harness().Process(Review).Start();
        h.Engine.CancelInstance(h.Instance!);

        var last = h.Engine.TaskHistory(h.Instance!)[^1];
        last.Event.ShouldBe(TaskEvent.Cancelled);
        last.Detail.ShouldBe("the process instance was terminated (CancelInstance)");
    }

    [Fact]
    public void Incident_CreatedByAFailingScript_ResolvedByRetry()
    {
        var h = new Harness().Process("""
            <startEvent id="S" /><sequenceFlow id="f1" sourceRef="S" targetRef="T" />
            <scriptTask id="T" scriptFormat="javascript"><script>if (!fixed) throw new Error('kaputt');</script></scriptTask>
            <sequenceFlow id="f2" sourceRef="T" targetRef="U" /><userTask id="U" />
            """).Start(new { @fixed = false });
        var incident = h.View.Incidents.Single();
        h.Engine.SetVariables(h.Instance!, Harness.Vars(new { @fixed = true })!);
        h.Engine.RetryIncident(incident.Id);

        var events = h.Engine.IncidentHistory(h.Instance!);
        events.Select(e => (e.IncidentId, e.Event, e.ElementId, e.IncidentKind, e.Command)).ShouldBe([
            (incident.Id, IncidentEvent.Created, "T", IncidentKind.FailedScript, "StartProcess"),
            (incident.Id, IncidentEvent.Resolved, "T", IncidentKind.FailedScript, "RetryIncident"),
        ]);
        events[0].Message.ShouldContain("kaputt");
    }

    [Fact]
    public void Incident_OfAnInstanceThatIsCancelled_IsDeleted()
    {
        var h = new Harness().Process("""
            <startEvent id="S" /><sequenceFlow id="f1" sourceRef="S" targetRef="T" />
            <scriptTask id="T" scriptFormat="javascript"><script>throw new Error('kaputt');</script></scriptTask>
            """).Start();
        h.Engine.CancelInstance(h.Instance!);

        var events = h.Engine.IncidentHistory(h.Instance!);
        events.Select(e => e.Event).ShouldBe([IncidentEvent.Created, IncidentEvent.Deleted]);
        events[1].Message.ShouldContain("terminated");
    }

    [Fact]
    public void ExternalTask_FailedThenCompleted_WithTheWorkersMessages()
    {
        var h = new Harness().Process("""
            <startEvent id="S" /><sequenceFlow id="f1" sourceRef="S" targetRef="X" />
            <serviceTask id="X" camunda:type="external" camunda:topic="register" />
            <sequenceFlow id="f2" sourceRef="X" targetRef="E" /><endEvent id="E" />
            """).Start();
        var task = h.Engine.OpenExternalTasks(h.Instance).Single();
        h.Engine.FailExternalTask(task.Id, "Register nicht erreichbar", retries: 2, retryTimeout: NodaTime.Duration.Zero);
        h.Engine.CompleteExternalTask(task.Id);

        h.Engine.TaskHistory(h.Instance!).Select(e => (e.Kind, e.Event, e.Detail)).ShouldBe([
            (TaskKind.External, TaskEvent.Created, "register"),
            (TaskKind.External, TaskEvent.Failed, "Register nicht erreichbar"),
            (TaskKind.External, TaskEvent.Completed, null),
        ]);
    }

    [Fact]
    public void HistoryLevelActivity_RecordsElementInstancesOnly()
    {
        var h = new Harness(b => b.UseHistoryLevel(HistoryLevel.Activity)).Process(Review).Start(new { betrag = 1 });
        h.Complete("Pruefen", new { betrag = 2 });

        h.Engine.History(h.Instance!).ShouldNotBeEmpty();
        h.Engine.VariableHistory(h.Instance!).ShouldBeEmpty();
        h.Engine.TaskHistory(h.Instance!).ShouldBeEmpty();
    }

    [Fact]
    public void ARefusedCommand_WritesNoHistory()
    {
        var h = new Harness().Process(Review).Start(new { betrag = 1 });
        var before = h.Engine.VariableHistory(h.Instance!).Count;

        Should.Throw<WorkflowCommandException>(() => h.Engine.CompleteUserTask(h.Instance + ".u999", Harness.Vars(new { betrag = 2 })));

        h.Engine.VariableHistory(h.Instance!).Count.ShouldBe(before);
        h.Engine.TaskHistory(h.Instance!).Count.ShouldBe(1);
    }
}
