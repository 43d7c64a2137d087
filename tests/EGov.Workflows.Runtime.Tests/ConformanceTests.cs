using EGov.Workflows.Bpmn.Reading;

namespace EGov.Workflows.Runtime.Tests;

/// <summary>The shared conformance scenarios, replayed in code (the scenario runner runs the YAML files).</summary>
public class ConformanceTests
{
    private static readonly string Root = FindRoot();

    private static string FindRoot()
    {
        var dir = AppContext.BaseDirectory;
        while (dir is not null && !Directory.Exists(Path.Combine(dir, "shared", "conformance"))) dir = Path.GetDirectoryName(dir);
        return dir is null ? "/work/shared/conformance" : Path.Combine(dir, "shared", "conformance");
    }

    private static Harness Load(string folder, params string[] files)
    {
        var h = new Harness();
        var list = new List<(string, Model.Definitions)>();
        foreach (var f in files.Length == 0 ? ["model.bpmn"] : files)
        {
            var path = Path.Combine(Root, folder, f);
            var r = new BpmnReader().ReadFile(path);
            r.Definitions.ShouldNotBeNull();
            list.Add((path, r.Definitions));
        }
        h.Engine.Deploy(list);
        return h;
    }

    private static Harness Start(Harness h, string process, object? vars = null)
    {
        h.Start(vars, process);
        return h;
    }

    [Fact]
    public void Sequence_ScriptSetsVariable_UserTaskWaits_ProcessEnds()
    {
        var h = Start(Load("01-sequence"), ProcessOf("01-sequence"));
        h.State.ShouldBe(InstanceState.Running);
        h.ShouldWaitAt("Review");
        h.Variables["x"]!.ToString().ShouldBe("1");
        h.Complete("Review", new { ok = true });
        h.State.ShouldBe(InstanceState.Completed);
        h.ShouldWaitAt();
        foreach (var id in new[] { "Start", "Prepare", "Review", "End" }) h.Count(id).ShouldBe(1);
    }

    [Theory]
    [InlineData(150, "Task_High")]
    [InlineData(50, "Task_Low")]
    public void ExclusiveGateway_TrueConditionWins_ElseDefault(int amount, string expected)
    {
        var h = Start(Load("02-exclusive-default"), ProcessOf("02-exclusive-default"), new { amount });
        h.ShouldWaitAt(expected);
    }

    [Fact]
    public void ParallelJoin_WaitsForEveryBranch()
    {
        var h = Start(Load("03-parallel"), ProcessOf("03-parallel"));
        h.ShouldWaitAt("A", "B");
        h.Complete("A");
        h.ShouldWaitAt("B");
        h.Count("Join").ShouldBe(0);
        h.Complete("B");
        h.ShouldWaitAt("C");
        h.Count("Join").ShouldBe(1);
        h.Complete("C");
        h.State.ShouldBe(InstanceState.Completed);
    }

    [Fact]
    public void BoundaryTimer_FiresAtDueTime()
    {
        var h = Start(Load("04-boundary-timer"), ProcessOf("04-boundary-timer"));
        h.Advance("P1D");
        h.ShouldWaitAt("Review");
        h.Advance("P1D");
        h.ShouldWaitAt("Escalate");
        h.Count("Review").ShouldBe(0);
        h.Count("Deadline").ShouldBe(1);
    }

    [Fact]
    public void BoundaryTimer_RemovedWhenTaskCompletesInTime()
    {
        var h = Start(Load("04-boundary-timer"), ProcessOf("04-boundary-timer"));
        h.Advance("PT47H");
        h.Complete("Review");
        h.Advance("P5D");
        h.State.ShouldBe(InstanceState.Completed);
        h.Count("Deadline").ShouldBe(0);
    }

    [Fact]
    public void MessageCatch_TakesVariables()
    {
        var h = Start(Load("05-message-catch"), ProcessOf("05-message-catch"));
        h.Complete("Submit");
        h.ShouldWaitAt("Catch_Payment");
        h.Message("Zahlung_eingegangen", new { paid = 30 });
        h.State.ShouldBe(InstanceState.Completed);
        h.Variables["paid"]!.ToString().ShouldBe("30");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ErrorEndInSubprocess_CaughtByBoundary(bool valid)
    {
        var h = Start(Load("06-error-boundary"), ProcessOf("06-error-boundary"), new { valid });
        if (valid)
        {
            h.State.ShouldBe(InstanceState.Completed);
            h.Count("Sub_End").ShouldBe(1);
            h.Count("Caught").ShouldBe(0);
        }
        else
        {
            h.ShouldWaitAt("Fix");
            h.Count("Sub_Error").ShouldBe(1);
            h.Count("Caught").ShouldBe(1);
            h.Count("Sub_End").ShouldBe(0);
        }
    }

    [Fact]
    public void InterruptingMessageEventSubprocess_CancelsMainFlow()
    {
        var h = Start(Load("07-event-subprocess"), ProcessOf("07-event-subprocess"));
        h.ShouldWaitAt("Work");
        h.Message("Antrag_zurueckgezogen");
        h.State.ShouldBe(InstanceState.Completed);
        h.ShouldWaitAt();
        h.Count("Work").ShouldBe(0);
        h.Variables["withdrawn"]!.GetValue<bool>().ShouldBeTrue();
    }

    [Fact]
    public void ParallelMultiInstance_CreatesThreeTasks()
    {
        var h = Start(Load("08-multi-instance"), ProcessOf("08-multi-instance"));
        h.ShouldWaitAt("Sign", "Sign", "Sign");
        h.Complete("Sign").Complete("Sign");
        h.ShouldWaitAt("Sign");
        h.Complete("Sign");
        h.State.ShouldBe(InstanceState.Completed);
        h.Count("Sign").ShouldBe(3);
    }

    [Fact]
    public void CallActivity_WaitsForCalledProcess_AndTakesVariablesBack()
    {
        var h = Start(Load("09-call-activity", "parent.bpmn", "child.bpmn"), "Process_Parent", new { @case = "VG-1" });
        h.ShouldWaitAt("ChildTask");
        h.Complete("ChildTask", new { result = "ok" });
        h.State.ShouldBe(InstanceState.Completed);
        h.Variables["result"]!.GetValue<string>().ShouldBe("ok");
        h.Count("Child_End").ShouldBe(1);
        h.Count("Call").ShouldBe(1);
    }

    [Fact]
    public void InclusiveGateway_TakesTrueFlows_JoinsOnce()
    {
        var h = Start(Load("10-inclusive"), ProcessOf("10-inclusive"), new { a = true, b = false, c = true });
        h.State.ShouldBe(InstanceState.Completed);
        h.Count("Join").ShouldBe(1);
        h.Count("End").ShouldBe(1);
        h.Count("B").ShouldBe(0);
    }

    [Fact]
    public void IntermediateTimer_WaitsForDuration()
    {
        var h = Start(Load("11-timer-catch"), ProcessOf("11-timer-catch"));
        h.Advance("PT1H");
        h.ShouldWaitAt("Wait");
        h.Advance("PT1H");
        h.State.ShouldBe(InstanceState.Completed);
    }

    [Fact]
    public void Signal_ReachesEverySubscription()
    {
        var h = Start(Load("12-signal"), ProcessOf("12-signal"));
        h.ShouldWaitAt("S1", "S2");
        h.Signal("Freigabe");
        h.State.ShouldBe(InstanceState.Completed);
    }

    [Fact]
    public void TerminateEnd_EndsEveryOtherBranch()
    {
        var h = Start(Load("13-terminate"), ProcessOf("13-terminate"));
        h.State.ShouldBe(InstanceState.Completed);
        h.ShouldWaitAt();
        h.Count("Kill").ShouldBe(1);
        h.Count("A").ShouldBe(0);
    }

    [Fact]
    public void Objects_AndUmlauts_InScriptsAndConditions()
    {
        var h = Start(Load("14-objects"), ProcessOf("14-objects"),
            System.Text.Json.Nodes.JsonNode.Parse("""{"applicant":{"age":34,"address":{"city":"Rüsselsheim am Main"}}}""")!.AsObject());
        h.ShouldWaitAt("Adult");
        h.Variables["tags"]!.ToJsonString().ShouldBe("""["eID","Gebühr"]""".Replace("ü", "\\u00FC", StringComparison.Ordinal), StringCompareShould.IgnoreCase);
    }

    [Fact]
    public void ServiceTopic_FailingEveryTry_EndsInIncident_NothingLost()
    {
        var h = Start(Load("15-service-topic"), ProcessOf("15-service-topic"), new { keep = "me" });
        for (var k = 0; k < 10; k++)
        {
            var now = h.Clock.GetCurrentInstant();
            foreach (var t in h.Engine.OpenExternalTasks(h.Instance).Where(t => t.IsAvailableAt(now))) h.Engine.FailExternalTask(t.Id, "connection refused");
            h.Advance("PT10M");
        }
        h.State.ShouldBe(InstanceState.Incident);
        h.View.Incidents.Select(i => i.ElementId).ShouldBe(["Pay"]);
        h.Variables["keep"]!.GetValue<string>().ShouldBe("me");
        h.Count("Pay").ShouldBe(0);
    }

    [Fact]
    public void ServiceTopic_WorkerCompletes()
    {
        var h = Start(Load("15-service-topic"), ProcessOf("15-service-topic"));
        var t = h.Engine.OpenExternalTasks(h.Instance).Single();
        t.Topic.ShouldBe("payment");
        t.Unbound.ShouldBeFalse();
        h.Engine.CompleteExternalTask(t.Id, Harness.Vars(new { paid = true }));
        h.State.ShouldBe(InstanceState.Completed);
        h.Count("End_Paid").ShouldBe(1);
    }

    private static string ProcessOf(string folder)
    {
        var r = new BpmnReader().ReadFile(Path.Combine(Root, folder, "model.bpmn"));
        return r.Definitions!.Processes.First(p => p.IsExecutable).Id!;
    }
}
