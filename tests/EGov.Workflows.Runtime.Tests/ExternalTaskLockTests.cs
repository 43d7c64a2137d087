using EGov.Workflows.Runtime.State;
using NodaTime;

namespace EGov.Workflows.Runtime.Tests;

/// <summary>Only the worker holding an external task's lock changes it; the check and the change are one command.</summary>
public class ExternalTaskLockTests
{
    private static (Harness H, string TaskId) Locked(string worker = "w1", int minutes = 10)
    {
        var h = new Harness().Process("""
            <startEvent id="S" /><sequenceFlow id="f1" sourceRef="S" targetRef="X" />
            <serviceTask id="X" camunda:type="external" camunda:topic="register" />
            <boundaryEvent id="B" attachedToRef="X"><errorEventDefinition errorRef="E" /></boundaryEvent>
            <sequenceFlow id="f2" sourceRef="X" targetRef="Done" /><userTask id="Done" />
            <sequenceFlow id="f3" sourceRef="B" targetRef="Rejected" /><userTask id="Rejected" />
            """, """<error id="E" errorCode="ABGELEHNT" />""").Start();
        var id = h.Engine.OpenExternalTasks(h.Instance).Single().Id;
        h.Engine.TryLockExternalTask(id, worker, Duration.FromMinutes(minutes)).ShouldBeTrue();
        return (h, id);
    }

    private static ExternalTaskState Task(Harness h, string id) =>
        h.Engine.Store.Load("default", h.Instance!)!.ExternalTasks.Single(t => t.Id == id);

    [Fact]
    public void Complete_ByAnotherWorker_IsRefused_AndNothingChanges()
    {
        var (h, id) = Locked();
        var revision = h.Engine.Store.Load("default", h.Instance!)!.Revision;

        var e = Should.Throw<ExternalTaskLockedException>(() => h.Engine.CompleteExternalTask(id, Harness.Vars(new { x = 1 }), workerId: "w2"));

        e.Message.ShouldBe($"External Task {id} cannot be completed by worker 'w2'. It is locked by worker 'w1'.");
        h.Engine.Store.Load("default", h.Instance!)!.Revision.ShouldBe(revision);
        h.Variables.ContainsKey("x").ShouldBeFalse();
        h.Engine.CompleteExternalTask(id, workerId: "w1");
        h.ShouldWaitAt("Done");
    }

    [Fact]
    public void FailureAndBpmnError_ByAnotherWorker_AreRefused()
    {
        var (h, id) = Locked();

        Should.Throw<ExternalTaskLockedException>(() => h.Engine.FailExternalTask(id, "nicht meins", retries: 0, workerId: "w2"));
        Should.Throw<ExternalTaskLockedException>(() => h.Engine.ThrowExternalTaskBpmnError(id, "ABGELEHNT", workerId: "w2"));

        h.View.Incidents.ShouldBeEmpty();
        Task(h, id).LockOwner.ShouldBe("w1");
        h.Engine.ThrowExternalTaskBpmnError(id, "ABGELEHNT", workerId: "w1");
        h.ShouldWaitAt("Rejected");
    }

    [Fact]
    public void Failure_ReleasesTheLock_WithRetriesLeft_AndWhenItOpensAnIncident()
    {
        var (h, id) = Locked();
        h.Engine.FailExternalTask(id, "kurz weg", retries: 1, retryTimeout: Duration.Zero, workerId: "w1");
        Task(h, id).LockOwner.ShouldBeNull();

        h.Engine.TryLockExternalTask(id, "w1", Duration.FromMinutes(10)).ShouldBeTrue();
        h.Engine.FailExternalTask(id, "endgültig", retries: 0, workerId: "w1");

        var task = Task(h, id);
        task.LockOwner.ShouldBeNull();
        task.LockExpiresAt.ShouldBeNull();
        h.Engine.RetryIncident(h.View.Incidents.Single().Id);
        h.Engine.TryLockExternalTask(id, "w2", Duration.FromMinutes(1)).ShouldBeTrue();
    }

    [Fact]
    public void TryLock_WhileAnotherWorkersLockHolds_IsFalse_UntilItExpires()
    {
        var (h, id) = Locked(minutes: 5);

        h.Engine.TryLockExternalTask(id, "w2", Duration.FromMinutes(5)).ShouldBeFalse();
        Should.Throw<ExternalTaskLockedException>(() => h.Engine.LockExternalTask(id, "w2", Duration.FromMinutes(5)));
        h.Clock.AdvanceMinutes(5);
        h.Engine.TryLockExternalTask(id, "w2", Duration.FromMinutes(5)).ShouldBeTrue();

        Task(h, id).LockOwner.ShouldBe("w2");
        h.Engine.TaskHistory(h.Instance!).Select(e => (e.Event, e.UserId)).ShouldBe([
            (TaskEvent.Created, null), (TaskEvent.Locked, "w1"), (TaskEvent.Locked, "w2"),
        ]);
    }

    [Fact]
    public void ExtendLock_OnlyByTheOwner_AndOnlyWhileTheLockHolds()
    {
        var (h, id) = Locked(minutes: 1);

        Should.Throw<ExternalTaskLockedException>(() => h.Engine.ExtendExternalTaskLock(id, "w2", Duration.FromMinutes(10)));
        h.Engine.ExtendExternalTaskLock(id, "w1", Duration.FromMinutes(10));
        Task(h, id).LockExpiresAt.ShouldBe(h.Clock.GetCurrentInstant() + Duration.FromMinutes(10));
        h.Clock.AdvanceMinutes(10);
        Should.Throw<ExternalTaskLockedException>(() => h.Engine.ExtendExternalTaskLock(id, "w1", Duration.FromMinutes(10)))
            .Message.ShouldContain("not locked");
    }
}
