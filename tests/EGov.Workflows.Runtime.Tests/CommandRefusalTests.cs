namespace EGov.Workflows.Runtime.Tests;

/// <summary>A refused command says why: not found, already ended, or refused as such — and changes nothing.</summary>
public class CommandRefusalTests
{
    private static Harness Waiting() => new Harness().Process("""
        <startEvent id="S" /><sequenceFlow id="f1" sourceRef="S" targetRef="T" /><userTask id="T" />
        <sequenceFlow id="f2" sourceRef="T" targetRef="U" /><userTask id="U" />
        """).Start();

    [Fact]
    public void UnknownThings_AreNotFound()
    {
        var h = Waiting();

        Should.Throw<WorkflowNotFoundException>(() => h.Engine.StartProcess("Gibtsnicht"));
        Should.Throw<WorkflowNotFoundException>(() => h.Engine.CompleteUserTask(h.Instance + ".u999"));
        Should.Throw<WorkflowNotFoundException>(() => h.Engine.CompleteUserTask("kein-punkt"));
        Should.Throw<WorkflowNotFoundException>(() => h.Engine.CompleteUserTask("nope.u1"));
        Should.Throw<WorkflowNotFoundException>(() => h.Engine.CancelInstance("nope"));
        Should.Throw<WorkflowNotFoundException>(() => h.Engine.RetryIncident(h.Instance + ".i999"));
        Should.Throw<WorkflowNotFoundException>(() => h.Engine.GetInstance("nope"));
    }

    [Fact]
    public void ACaseOfAVersionTheNodeDoesNotKnow_IsStillShown_WithItsWaitingElements()
    {
        // Another node deleted the version, or deployed it and this node has not caught up: the case page must not fail.
        var h = Waiting();
        var before = h.Engine.GetInstance(h.Instance!);
        h.Engine.ForgetVersion(before.ProcessId, before.Version).ShouldBeTrue();

        var view = h.Engine.GetInstance(h.Instance!);

        view.Waiting.ShouldBe(["T"]);
        view.State.ShouldBe(InstanceState.Running);
        view.LegalBasis.ShouldBeNull();
    }

    [Fact]
    public void ATaskCompletedTwice_OrAnInstanceCancelledTwice_IsAlreadyEnded()
    {
        var h = Waiting();
        var task = h.Engine.OpenUserTasks(h.Instance).Single();
        h.Engine.CompleteUserTask(task.Id);

        var ended = Should.Throw<WorkflowEndedException>(() => h.Engine.CompleteUserTask(task.Id));
        ended.Message.ShouldContain("no longer open");
        (ended.Reason, ended.Values["taskId"]).ShouldBe((RefusalReason.TaskNoLongerOpen, task.Id));
        h.ShouldWaitAt("U");
        h.Engine.CancelInstance(h.Instance!);
        Should.Throw<WorkflowEndedException>(() => h.Engine.CancelInstance(h.Instance!)).Message.ShouldContain("terminated");
        Should.Throw<WorkflowEndedException>(() => h.Engine.ClaimUserTask(h.Engine.GetInstance(h.Instance!).Id + ".u2", "anna"));
    }

    [Fact]
    public void AnIncidentRetriedTwice_IsAlreadyEnded()
    {
        var h = new Harness().Process("""
            <startEvent id="S" /><sequenceFlow id="f1" sourceRef="S" targetRef="T" />
            <scriptTask id="T" scriptFormat="javascript"><script>throw new Error('kaputt');</script></scriptTask>
            """).Start();
        var incident = h.View.Incidents.Single().Id;
        h.Engine.RetryIncident(incident);

        Should.Throw<WorkflowEndedException>(() => h.Engine.RetryIncident(incident));
    }

    [Fact]
    public void AStartWithoutANoneStartEvent_IsRefusedAsSuch()
    {
        var h = new Harness().Process("""
            <startEvent id="A"><messageEventDefinition messageRef="M1" /></startEvent>
            <startEvent id="B"><messageEventDefinition messageRef="M2" /></startEvent>
            """, """<message id="M1" name="eins" /><message id="M2" name="zwei" />""");

        var e = Should.Throw<WorkflowCommandException>(() => h.Engine.StartProcess("P"));
        e.ShouldNotBeOfType<WorkflowNotFoundException>();
        e.ShouldNotBeOfType<WorkflowEndedException>();
    }
}
