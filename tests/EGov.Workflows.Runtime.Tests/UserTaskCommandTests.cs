using EGov.Workflows.Runtime.State;
using EGov.Workflows.Runtime.Store;
using NodaTime;

namespace EGov.Workflows.Runtime.Tests;

/// <summary>The clerk's commands on a user task (Camunda semantics), four eyes, Vertretung in the history, and the inbox query.</summary>
public sealed class UserTaskCommandTests
{
    private const string TwoSteps = """
        <process id="P" name="Antrag" isExecutable="true">
          <startEvent id="S" />
          <userTask id="Task_Pruefen" name="Prüfen" camunda:candidateGroups="sachbearbeitung" camunda:dueDate="P3D" camunda:priority="70" />
          <userTask id="Task_Freigeben" name="Freigeben" camunda:candidateGroups="sachbearbeitung" egov:fourEyes="Task_Pruefen" />
          <endEvent id="E" />
          <sequenceFlow id="f1" sourceRef="S" targetRef="Task_Pruefen" />
          <sequenceFlow id="f2" sourceRef="Task_Pruefen" targetRef="Task_Freigeben" />
          <sequenceFlow id="f3" sourceRef="Task_Freigeben" targetRef="E" />
        </process>
        """;

    private static (Harness H, string TaskId) Started()
    {
        var h = new Harness().Deploy(TwoSteps).Start(businessKey: "AZ-1");
        return (h, h.Engine.OpenUserTasks(h.Instance).Single().Id);
    }

    [Fact]
    public void UserTask_KeepsDueDatePriorityAndProcessName()
    {
        var (h, id) = Started();
        var row = h.Engine.FindOpenUserTask(id).ShouldNotBeNull();
        row.Task.DueDate.ShouldBe(h.Clock.GetCurrentInstant() + Duration.FromDays(3));
        row.Task.Priority.ShouldBe(70);
        row.Task.ProcessName.ShouldBe("Antrag");
        row.BusinessKey.ShouldBe("AZ-1");
        row.ProcessVersion.ShouldBe(1);
    }

    [Fact]
    public void Claim_HeldBySomeoneElse_IsRefusedWithTheHolder_UnlessTakenOver()
    {
        var (h, id) = Started();
        h.Engine.ClaimUserTask(id, "erika", takeOver: false);
        var e = Should.Throw<UserTaskHeldException>(() => h.Engine.ClaimUserTask(id, "max", takeOver: false));
        e.Holder.ShouldBe("erika");
        h.Engine.FindOpenUserTask(id)!.Task.Assignee.ShouldBe("erika");
        h.Engine.ClaimUserTask(id, "max", takeOver: true);
        h.Engine.FindOpenUserTask(id)!.Task.Assignee.ShouldBe("max");
    }

    [Fact]
    public void Delegate_KeepsTheOwner_ResolveGivesItBack_CompletingWhilePendingIsRefused()
    {
        var (h, id) = Started();
        h.Engine.ClaimUserTask(id, "erika", takeOver: false);
        h.Engine.DelegateUserTask(id, "jan", "erika");
        var t = h.Engine.FindOpenUserTask(id)!.Task;
        (t.Owner, t.Assignee, t.DelegationState).ShouldBe(("erika", "jan", DelegationState.Pending));
        var unresolved = Should.Throw<WorkflowCommandException>(() => h.Engine.CompleteUserTask(id, null, "jan", null));
        unresolved.Message.ShouldContain("not yet resolved");
        (unresolved.Reason, unresolved.Values["owner"], unresolved.Values["delegate"]).ShouldBe((RefusalReason.TaskDelegated, "erika", "jan"));

        h.Engine.ResolveUserTask(id, Harness.Vars(new { geprueft = true }), "jan");
        t = h.Engine.FindOpenUserTask(id)!.Task;
        (t.Owner, t.Assignee, t.DelegationState).ShouldBe(("erika", "erika", DelegationState.Resolved));
        h.View.Variables["geprueft"]!.GetValue<bool>().ShouldBeTrue();
        h.Engine.TaskHistory(h.Instance!).Select(x => (x.Event, x.UserId)).ShouldBe([
            (TaskEvent.Created, null), (TaskEvent.Assigned, "erika"), (TaskEvent.Delegated, "jan"), (TaskEvent.Resolved, "jan"),
        ]);
        var notDelegated = Should.Throw<WorkflowCommandException>(() => h.Engine.ResolveUserTask(id, null, "jan"));
        notDelegated.Message.ShouldContain("not delegated");
        (notDelegated.Reason, notDelegated.Values["taskId"]).ShouldBe((RefusalReason.TaskNotDelegated, id));
    }

    [Fact]
    public void FourEyes_TheUserWhoCompletedTheNamedTask_MayNotCompleteThisOne()
    {
        var (h, id) = Started();
        h.Engine.CompleteUserTask(id, null, "erika", null);
        var next = h.Engine.OpenUserTasks(h.Instance).Single();
        next.ElementId.ShouldBe("Task_Freigeben");

        var e = Should.Throw<FourEyesException>(() => h.Engine.CompleteUserTask(next.Id, null, "erika", null));
        e.Message.ShouldContain("Vier-Augen-Prinzip");
        e.Message.ShouldContain("„Prüfen“");
        h.Engine.OpenUserTasks(h.Instance).Single().Id.ShouldBe(next.Id); // nothing changed

        h.Engine.CompleteUserTask(next.Id, null, "max", null);
        h.State.ShouldBe(InstanceState.Completed);
    }

    [Fact]
    public void ADeputy_IsRecordedAsActingOnBehalfOfTheAbsentUser()
    {
        var (h, id) = Started();
        h.Engine.ClaimUserTask(id, "erika", takeOver: false);
        h.Engine.SetUserTaskFollowUp(id, h.Clock.GetCurrentInstant() + Duration.FromDays(1), "jan", onBehalfOf: "erika");
        h.Engine.FindOpenUserTask(id)!.Task.FollowUpDate.ShouldBe(h.Clock.GetCurrentInstant() + Duration.FromDays(1));
        h.Engine.CompleteUserTask(id, null, "jan", "erika");
        var completed = h.Engine.TaskHistory(h.Instance!).Single(x => x.Event == TaskEvent.Completed);
        (completed.UserId, completed.OnBehalfOf).ShouldBe(("jan", "erika"));
        h.Engine.TaskHistory(h.Instance!).Single(x => x.Event == TaskEvent.Created && x.ElementId == "Task_Freigeben").OnBehalfOf.ShouldBeNull();
    }

    [Fact]
    public void InboxQuery_InMemory_FiltersByPrincipalAndSortsByDue()
    {
        var h = new Harness().Deploy("""
            <process id="P" name="Antrag" isExecutable="true">
              <startEvent id="S" />
              <userTask id="T" name="Bearbeiten" camunda:assignee="${assignee}" camunda:candidateGroups="${groups}" camunda:dueDate="${due}" />
              <endEvent id="E" />
              <sequenceFlow id="f1" sourceRef="S" targetRef="T" /><sequenceFlow id="f2" sourceRef="T" targetRef="E" />
            </process>
            """);
        h.Start(new { assignee = (string?)null, groups = "a,b", due = "P2D" }, businessKey: "AZ-2");
        h.Start(new { assignee = (string?)null, groups = "a", due = "P1D" }, businessKey: "AZ-1");
        h.Start(new { assignee = "erika", groups = "c", due = (string?)null }, businessKey: "AZ-3");

        var page = h.Engine.QueryInbox(new InboxQuery { Principals = [InboxPrincipal.Group("a"), InboxPrincipal.Group("b")] });
        page.Total.ShouldBe(2);
        page.Items.Select(r => r.BusinessKey).ShouldBe(["AZ-1", "AZ-2"]);
        h.Engine.QueryInbox(new InboxQuery { Principals = [InboxPrincipal.Assignee("erika")] }).Items.Single().BusinessKey.ShouldBe("AZ-3");
        h.Engine.QueryInbox(new InboxQuery { Principals = [InboxPrincipal.Group("a")], Text = "az-2" }).Items.Single().BusinessKey.ShouldBe("AZ-2");
        h.Engine.CountInbox([new InboxQuery(), new InboxQuery { Principals = [InboxPrincipal.Group("b")] }]).ShouldBe([0L, 1L]);
    }
}
