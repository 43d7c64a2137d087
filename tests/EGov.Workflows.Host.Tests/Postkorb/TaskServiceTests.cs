using System.Text.Json.Nodes;
using EGov.Workflows.Bpmn.Reading;
using EGov.Workflows.Host.Api;
using EGov.Workflows.Host.Postkorb;
using TaskDto = EGov.Workflows.Host.Postkorb.TaskDto;
using EGov.Workflows.Host.Security;
using EGov.Workflows.Host.Tenancy;
using EGov.Workflows.Persistence.Postkorb;
using EGov.Workflows.Runtime;
using EGov.Workflows.Runtime.Store;
using NodaTime;
using NodaTime.Testing;

namespace EGov.Workflows.Host.Tests.Postkorb;

/// <summary>The Postkorb's rules in process, as a Caller: who sees which task, the views and counts, the commands, Vertretung, four eyes.</summary>
public sealed class TaskServiceTests
{
    private const string Model = """
        <?xml version="1.0" encoding="UTF-8"?>
        <definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn"
                     xmlns:egov="https://egov-workflows.de/schema/bpmn/1.0" id="D" targetNamespace="http://example.org/postkorb">
          <process id="Antrag" name="Bauantrag" isExecutable="true">
            <startEvent id="S" />
            <userTask id="Task_Pruefen" name="Prüfen" camunda:candidateGroups="${gruppe}" camunda:assignee="${bearbeiter}" camunda:dueDate="${frist}" />
            <userTask id="Task_Freigeben" name="Freigeben" camunda:candidateGroups="${gruppe}" egov:fourEyes="Task_Pruefen" />
            <endEvent id="E" />
            <sequenceFlow id="f1" sourceRef="S" targetRef="Task_Pruefen" />
            <sequenceFlow id="f2" sourceRef="Task_Pruefen" targetRef="Task_Freigeben" />
            <sequenceFlow id="f3" sourceRef="Task_Freigeben" targetRef="E" />
          </process>
        </definitions>
        """;

    private readonly FakeClock _clock = new(Instant.FromUtc(2026, 12, 3, 8, 0));
    private readonly InMemoryPostkorbStore _data = new();
    private readonly InMemoryRuntimeStore _store = new();

    private static Caller Person(string id, string[] groups, string[]? roles = null, string tenant = "default") =>
        new(id, null, CallerKind.Person, new HashSet<string>(roles ?? [Caller.Clerk]), new HashSet<string>(groups), [tenant]);

    private static readonly Caller Erika = Person("erika", ["bauamt"]);
    private static readonly Caller Max = Person("max", ["bauamt"]);
    private static readonly Caller Jan = Person("jan", ["kasse"]);
    private static readonly Caller Lea = Person("lea", ["bauamt"], [Caller.Clerk, Caller.TeamLead]);
    private static readonly Caller Fremd = Person("erika", ["bauamt"], tenant: "06412000");

    private TaskService Service(string tenant = "default")
    {
        var engine = new WorkflowEngine(new WorkflowEngineOptions { Store = _store, Clock = _clock, TenantId = tenant });
        engine.Deploy("antrag.bpmn", new BpmnReader().ReadString(Model, "antrag.bpmn").Definitions!);
        return new TaskService(new TenantEngine(tenant, engine), _data, _clock);
    }

    private static string Start(TaskService s, string key, string gruppe = "bauamt", string? bearbeiter = null, string? frist = null) =>
        s.Tenant.Engine.StartProcess("Antrag", new JsonObject { ["gruppe"] = gruppe, ["bearbeiter"] = bearbeiter, ["frist"] = frist, ["antragsteller"] = "Max Muster" }, key);

    private static string TaskOf(TaskService s, string instance) => s.Tenant.Engine.OpenUserTasks(instance).Single().Id;

    private static List<string?> Keys(Page<TaskDto> page) => page.Items.Select(t => t.BusinessKey).ToList();

    [Fact]
    public void Views_ShowWhatIsMineOfferedToMyGroupOverdue_AndCountsAgree()
    {
        var s = Service();
        Start(s, "AZ-3", frist: "2026-12-10T00:00:00Z");
        Start(s, "AZ-1", frist: "2026-12-01T00:00:00Z"); // overdue
        Start(s, "AZ-2", bearbeiter: "erika");
        Start(s, "KA-1", gruppe: "kasse");

        Keys(s.List(Erika, new TaskListRequest { View = TaskView.Group })).ShouldBe(["AZ-1", "AZ-3", "AZ-2"]); // by Frist, none last
        Keys(s.List(Erika, new TaskListRequest { View = TaskView.Mine })).ShouldBe(["AZ-2"]);
        Keys(s.List(Erika, new TaskListRequest { View = TaskView.Overdue })).ShouldBe(["AZ-1"]);
        Keys(s.List(Jan, new TaskListRequest { View = TaskView.Group })).ShouldBe(["KA-1"]);
        Keys(s.List(Erika, new TaskListRequest { View = TaskView.Group, Sort = InboxSort.BusinessKey, Descending = true })).ShouldBe(["AZ-3", "AZ-2", "AZ-1"]);
        Keys(s.List(Erika, new TaskListRequest { View = TaskView.Group, Text = "az-3" })).ShouldBe(["AZ-3"]);
        Keys(s.List(Erika, new TaskListRequest { View = TaskView.Group, Text = "bauantrag", Page = new PageRequest(1, 1) })).ShouldBe(["AZ-3"]);
        s.List(Erika, new TaskListRequest { View = TaskView.Group, Page = new PageRequest(1, 1) }).Total.ShouldBe(3);
        s.List(Erika, new TaskListRequest { View = TaskView.Team }).Items.ShouldBeEmpty(); // not a team lead
        Keys(s.List(Lea, new TaskListRequest { View = TaskView.Team, Assignee = "erika" })).ShouldBe(["AZ-2"]);

        s.Counts(Erika).ShouldBe(new TaskCountsDto(Mine: 1, Offered: 0, Group: 3, Overdue: 1, Followup: 0, Team: 0));
        s.Counts(Lea).Team.ShouldBe(3);
        s.Counts(Jan).ShouldBe(new TaskCountsDto(0, 0, 1, 0, 0, 0));
        s.Counts(Fremd).ShouldBe(new TaskCountsDto(0, 0, 0, 0, 0, 0)); // same name, other tenant
    }

    [Fact]
    public void Columns_BringProcessVariables()
    {
        var s = Service();
        Start(s, "AZ-1");
        var task = s.List(Erika, new TaskListRequest { View = TaskView.Group, Columns = ["antragsteller", "fehlt"] }).Items.Single();
        task.Variables!.ToJsonString().ShouldBe("""{"antragsteller":"Max Muster"}""");
        task.ProcessName.ShouldBe("Bauantrag");
        task.ProcessVersion.ShouldBe(1);
    }

    [Fact]
    public void ATaskOfAnotherGroupOrTenant_DoesNotExistForTheCaller()
    {
        var s = Service();
        var id = TaskOf(s, Start(s, "AZ-1"));
        Should.Throw<ApiProblemException>(() => s.Get(Jan, id)).Status.ShouldBe(404);
        Should.Throw<ApiProblemException>(() => s.Claim(Jan, id, takeOver: true)).Status.ShouldBe(404);
        Should.Throw<ApiProblemException>(() => s.Complete(Jan, id, null)).Status.ShouldBe(404);
        Should.Throw<ApiProblemException>(() => s.Get(Fremd, id)).Status.ShouldBe(404);
        Should.Throw<ApiProblemException>(() => s.Get(Erika, id + "9")).Status.ShouldBe(404);
        Should.Throw<ApiProblemException>(() => Service("06412000").Get(Fremd, id)).Status.ShouldBe(404);
        s.Get(Erika, id).Id.ShouldBe(id);
    }

    [Fact]
    public void Claim_ATaskSomeoneHolds_Answers409WithTheHolder_TakeOverWins()
    {
        var s = Service();
        var id = TaskOf(s, Start(s, "AZ-1"));
        s.Claim(Erika, id, takeOver: false).Assignee.ShouldBe("erika");
        var e = Should.Throw<ApiProblemException>(() => s.Claim(Max, id, takeOver: false));
        e.Status.ShouldBe(409);
        e.Extensions["holder"].ShouldBe("erika");
        Should.Throw<ApiProblemException>(() => s.Complete(Max, id, null)).Extensions["holder"].ShouldBe("erika");
        Should.Throw<ApiProblemException>(() => s.Unclaim(Max, id)).Status.ShouldBe(403);
        s.Claim(Max, id, takeOver: true).Assignee.ShouldBe("max");
        s.Unclaim(Max, id).Assignee.ShouldBeNull();
    }

    [Fact]
    public void Assign_OnlyATeamLeadOfTheTasksGroup()
    {
        var s = Service();
        var id = TaskOf(s, Start(s, "AZ-1"));
        Should.Throw<ApiProblemException>(() => s.Assign(Erika, id, "max")).Status.ShouldBe(403);
        s.Assign(Lea, id, "max").Assignee.ShouldBe("max");
        var kasse = TaskOf(s, Start(s, "KA-1", gruppe: "kasse"));
        Should.Throw<ApiProblemException>(() => s.Assign(Lea, kasse, "lea")).Status.ShouldBe(404);
    }

    [Fact]
    public void Delegate_TheDelegateSeesAndResolves_TheOwnerGetsItBack()
    {
        var s = Service();
        var id = TaskOf(s, Start(s, "AZ-1", bearbeiter: "erika"));
        var t = s.Delegate(Erika, id, "jan");
        (t.Owner, t.Assignee, t.DelegationState).ShouldBe(("erika", "jan", "pending"));
        s.Get(Erika, id).Owner.ShouldBe("erika"); // the owner still sees it
        Keys(s.List(Jan, new TaskListRequest { View = TaskView.Mine })).ShouldBe(["AZ-1"]);
        Should.Throw<ApiProblemException>(() => s.Resolve(Erika, id, null)).Status.ShouldBe(409);
        s.Resolve(Jan, id, new JsonObject { ["geprueft"] = true }).DelegationState.ShouldBe("resolved");
        s.Get(Erika, id).Assignee.ShouldBe("erika");
        Should.Throw<ApiProblemException>(() => s.Get(Jan, id)).Status.ShouldBe(404); // back with its owner
    }

    [Fact]
    public void Deputy_SeesAndWorksTheAbsentUsersTasks_DuringTheAbsence_AsInVertretungFuer()
    {
        var s = Service();
        var instance = Start(s, "AZ-1", bearbeiter: "erika");
        var id = TaskOf(s, instance);
        Should.Throw<ApiProblemException>(() => s.Get(Jan, id)).Status.ShouldBe(404);
        _data.AddAbsence("default", new Absence("a1", "erika", "jan", _clock.GetCurrentInstant(), _clock.GetCurrentInstant() + Duration.FromDays(7), "erika", _clock.GetCurrentInstant()));

        var seen = s.List(Jan, new TaskListRequest { View = TaskView.Mine }).Items.Single();
        (seen.Id, seen.OnBehalfOf).ShouldBe((id, "erika"));
        s.Counts(Jan).Mine.ShouldBe(1);
        s.Complete(Jan, id, null);
        var completed = s.Tenant.Engine.TaskHistory(instance).Single(x => x.Event == Runtime.State.TaskEvent.Completed);
        (completed.UserId, completed.OnBehalfOf).ShouldBe(("jan", "erika"));

        _clock.Advance(Duration.FromDays(8));
        var next = TaskOf(s, instance);
        s.Claim(Erika, next, false);
        Should.Throw<ApiProblemException>(() => s.Get(Jan, next)).Status.ShouldBe(404); // the absence is over
    }

    [Fact]
    public void FourEyes_WhoCheckedMayNotRelease_403WithTheReasonInGerman_TaskStays()
    {
        var s = Service();
        var instance = Start(s, "AZ-1");
        var pruefen = TaskOf(s, instance);
        s.Claim(Erika, pruefen, false);
        s.Complete(Erika, pruefen, null);
        var freigeben = TaskOf(s, instance);
        s.Claim(Erika, freigeben, false);
        var e = Should.Throw<ApiProblemException>(() => s.Complete(Erika, freigeben, null));
        e.Status.ShouldBe(403);
        e.Message.ShouldContain("Vier-Augen-Prinzip");
        TaskOf(s, instance).ShouldBe(freigeben);
        s.Claim(Max, freigeben, takeOver: true);
        s.Complete(Max, freigeben, null);
        s.Tenant.Engine.GetInstance(instance).State.ShouldBe(InstanceState.Completed);
    }

    [Fact]
    public void FollowUp_IsSetAndShowsInTheFollowupView_WhenReached()
    {
        var s = Service();
        var id = TaskOf(s, Start(s, "AZ-1"));
        s.FollowUp(Max, id, _clock.GetCurrentInstant().Plus(Duration.FromDays(1)).ToDateTimeOffset()).FollowUp.ShouldNotBeNull();
        s.Counts(Erika).Followup.ShouldBe(0);
        _clock.Advance(Duration.FromDays(2));
        Keys(s.List(Erika, new TaskListRequest { View = TaskView.Followup })).ShouldBe(["AZ-1"]);
        s.FollowUp(Max, id, null).FollowUp.ShouldBeNull();
    }
}
