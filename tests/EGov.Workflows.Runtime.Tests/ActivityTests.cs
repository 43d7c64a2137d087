using System.Text.Json.Nodes;
using EGov.Workflows.Runtime.State;
using EGov.Workflows.Runtime.Store;

namespace EGov.Workflows.Runtime.Tests;

/// <summary>Tasks, subprocesses, call activities, loops and the Camunda extension attributes.</summary>
public class ActivityTests
{
    private const string Child = """
        <process id="Child" isExecutable="true">
          <startEvent id="CS" /><sequenceFlow id="c1" sourceRef="CS" targetRef="CT" /><userTask id="CT" />
          <sequenceFlow id="c2" sourceRef="CT" targetRef="CG" />
          <exclusiveGateway id="CG" default="c4" />
          <sequenceFlow id="c3" sourceRef="CG" targetRef="CErr"><conditionExpression>${fail}</conditionExpression></sequenceFlow>
          <sequenceFlow id="c4" sourceRef="CG" targetRef="CE" />
          <endEvent id="CE" /><endEvent id="CErr"><errorEventDefinition errorRef="E" /></endEvent>
        </process>
        <error id="E" errorCode="CHILD_FAILED" />
        """;

    [Fact]
    public void CallActivity_MapsInAndOut_AndPassesBusinessKey()
    {
        var h = new Harness().Process("""
            <startEvent id="S" /><sequenceFlow id="f1" sourceRef="S" targetRef="Call" />
            <callActivity id="Call" calledElement="Child">
              <extensionElements>
                <camunda:in source="amount" target="betrag" /><camunda:in sourceExpression="${amount * 2}" target="doppelt" />
                <camunda:in businessKey="#{execution.processBusinessKey}" />
                <camunda:out source="result" target="ergebnis" />
              </extensionElements>
            </callActivity>
            <sequenceFlow id="f2" sourceRef="Call" targetRef="T" /><userTask id="T" />
            """, Child).Start(new { amount = 21 }, businessKey: "VG-7");
        var task = h.Engine.OpenUserTasks(h.Instance).Single();
        task.ElementId.ShouldBe("CT");
        task.BusinessKey.ShouldBe("VG-7");
        var child = h.Engine.Store.Load("default", task.InstanceId)!;
        child.Scopes[0].Variables["betrag"]!.ToString().ShouldBe("21");
        child.Scopes[0].Variables["doppelt"]!.ToString().ShouldBe("42");
        child.Scopes[0].Variables.ContainsKey("amount").ShouldBeFalse();
        h.Complete("CT", new { result = "ok", fail = false });
        h.ShouldWaitAt("T");
        h.Variables["ergebnis"]!.ToString().ShouldBe("ok");
        h.Variables.ContainsKey("result").ShouldBeFalse();
    }

    [Fact]
    public void CallActivity_ErrorOfCalledProcess_CaughtByBoundaryOfCaller()
    {
        var h = new Harness().Process("""
            <startEvent id="S" /><sequenceFlow id="f1" sourceRef="S" targetRef="Call" />
            <callActivity id="Call" calledElement="Child" />
            <boundaryEvent id="B" attachedToRef="Call"><errorEventDefinition errorRef="E" /></boundaryEvent>
            <sequenceFlow id="f2" sourceRef="B" targetRef="Handle" /><userTask id="Handle" />
            """, Child).Start();
        h.Complete("CT", new { fail = true });
        h.ShouldWaitAt("Handle");
        h.Count("Call").ShouldBe(0);
        h.Count("CErr").ShouldBe(1);
    }

    [Fact]
    public void CancellingTheCaller_CancelsTheCallee()
    {
        var h = new Harness().Process("""
            <startEvent id="S" /><sequenceFlow id="f1" sourceRef="S" targetRef="Call" />
            <callActivity id="Call" calledElement="Child" />
            """, Child).Start();
        h.Engine.CancelInstance(h.Instance!);
        h.State.ShouldBe(InstanceState.Terminated);
        h.Engine.OpenUserTasks().ShouldBeEmpty();
    }

    [Fact]
    public void SequentialMultiInstance_OverCollection_WithElementVariable()
    {
        var h = new Harness().Process("""
            <startEvent id="S" /><sequenceFlow id="f1" sourceRef="S" targetRef="T" />
            <userTask id="T" camunda:assignee="${clerk}">
              <multiInstanceLoopCharacteristics isSequential="true" camunda:collection="${clerks}" camunda:elementVariable="clerk" />
            </userTask>
            <sequenceFlow id="f2" sourceRef="T" targetRef="E" /><endEvent id="E" />
            """).Start(new JsonObject { ["clerks"] = new JsonArray("anna", "ben") });
        h.Engine.OpenUserTasks(h.Instance).Single().Assignee.ShouldBe("anna");
        h.Complete("T");
        h.Engine.OpenUserTasks(h.Instance).Single().Assignee.ShouldBe("ben");
        h.Complete("T");
        h.State.ShouldBe(InstanceState.Completed);
        h.Count("T").ShouldBe(2);
        h.Count("T#multiInstanceBody").ShouldBe(1);
    }

    [Fact]
    public void MultiInstance_CountersAreVisible()
    {
        var h = new Harness().Process("""
            <startEvent id="S" /><sequenceFlow id="f1" sourceRef="S" targetRef="T" />
            <scriptTask id="T" scriptFormat="javascript">
              <multiInstanceLoopCharacteristics><loopCardinality>3</loopCardinality></multiInstanceLoopCharacteristics>
              <script>execution.setVariable('seen' + loopCounter, nrOfInstances + '/' + nrOfActiveInstances + '/' + nrOfCompletedInstances)</script>
            </scriptTask>
            <sequenceFlow id="f2" sourceRef="T" targetRef="U" /><userTask id="U" />
            """).Start();
        h.ShouldWaitAt("U");
        h.Variables["seen0"]!.ToString().ShouldBe("3/3/0");
        h.Variables["seen2"]!.ToString().ShouldBe("3/1/2"); // as in Camunda: inner instances run one after another
    }

    [Fact]
    public void StandardLoop_RepeatsWhileConditionHolds()
    {
        var h = new Harness().Process("""
            <startEvent id="S" /><sequenceFlow id="f1" sourceRef="S" targetRef="T" />
            <scriptTask id="T" scriptFormat="javascript">
              <standardLoopCharacteristics><loopCondition>${i &lt; 3}</loopCondition></standardLoopCharacteristics>
              <script>execution.setVariable('i', i + 1)</script>
            </scriptTask>
            <sequenceFlow id="f2" sourceRef="T" targetRef="E" /><endEvent id="E" />
            """).Start(new { i = 0 });
        h.State.ShouldBe(InstanceState.Completed);
        h.Count("T").ShouldBe(3);
    }

    [Fact]
    public void AdHocSubprocess_EnablesAll_CompletesByCondition()
    {
        var h = new Harness().Process("""
            <startEvent id="S" /><sequenceFlow id="f1" sourceRef="S" targetRef="Adhoc" />
            <adHocSubProcess id="Adhoc">
              <userTask id="A" /><userTask id="B" /><userTask id="C" />
              <completionCondition>${done == true}</completionCondition>
            </adHocSubProcess>
            <sequenceFlow id="f2" sourceRef="Adhoc" targetRef="T" /><userTask id="T" />
            """).Start(new { done = false });
        h.ShouldWaitAt("A", "B", "C");
        h.Complete("A");
        h.ShouldWaitAt("B", "C");
        h.Complete("B", new { done = true });
        h.ShouldWaitAt("T");
    }

    [Fact]
    public void ConditionalFlowsOutOfActivity_WithDefault()
    {
        var h = new Harness().Process("""
            <startEvent id="S" /><sequenceFlow id="f1" sourceRef="S" targetRef="T" />
            <task id="T" default="fd" />
            <sequenceFlow id="fa" sourceRef="T" targetRef="A"><conditionExpression>x > 5</conditionExpression></sequenceFlow>
            <sequenceFlow id="fb" sourceRef="T" targetRef="B"><conditionExpression>x > 7</conditionExpression></sequenceFlow>
            <sequenceFlow id="fd" sourceRef="T" targetRef="D" />
            <userTask id="A" /><userTask id="B" /><userTask id="D" />
            """);
        h.Start(new { x = 9 }).ShouldWaitAt("A", "B");
        h.Start(new { x = 1 }).ShouldWaitAt("D");
    }

    [Fact]
    public void AsyncBefore_WaitsAsJob_UntilJobsRun()
    {
        var h = new Harness().Process("""
            <startEvent id="S" /><sequenceFlow id="f1" sourceRef="S" targetRef="T" />
            <scriptTask id="T" scriptFormat="javascript" camunda:asyncBefore="true" camunda:asyncAfter="true"><script>execution.setVariable('ran', true)</script></scriptTask>
            <sequenceFlow id="f2" sourceRef="T" targetRef="U" /><userTask id="U" />
            """).Start();
        h.Variables.ContainsKey("ran").ShouldBeFalse();
        h.Engine.NextDueTime().ShouldNotBeNull();
        h.Engine.RunDueJobs().ShouldBe(2);
        h.ShouldWaitAt("U");
    }

    [Fact]
    public void InputOutputParameters_TextExpressionListMapScript()
    {
        var h = new Harness().Process("""
            <startEvent id="S" /><sequenceFlow id="f1" sourceRef="S" targetRef="T" />
            <scriptTask id="T" scriptFormat="javascript">
              <extensionElements><camunda:inputOutput>
                <camunda:inputParameter name="greeting">Hallo ${name}</camunda:inputParameter>
                <camunda:inputParameter name="list"><camunda:list><camunda:value>a</camunda:value><camunda:value>${name}</camunda:value></camunda:list></camunda:inputParameter>
                <camunda:inputParameter name="map"><camunda:map><camunda:entry key="k">v</camunda:entry></camunda:map></camunda:inputParameter>
                <camunda:inputParameter name="computed"><camunda:script scriptFormat="javascript">1 + 2</camunda:script></camunda:inputParameter>
                <camunda:outputParameter name="out">${greeting + '|' + list.join(',') + '|' + map.k + '|' + computed}</camunda:outputParameter>
              </camunda:inputOutput></extensionElements>
              <script>1</script>
            </scriptTask>
            <sequenceFlow id="f2" sourceRef="T" targetRef="U" /><userTask id="U" />
            """).Start(new { name = "Eva" });
        h.Variables["out"]!.ToString().ShouldBe("Hallo Eva|a,Eva|v|3");
        h.Variables.ContainsKey("greeting").ShouldBeFalse();
    }

    [Fact]
    public void ExecutionListeners_StartEndTake_RunScripts()
    {
        var h = new Harness().Process("""
            <startEvent id="S" /><sequenceFlow id="f1" sourceRef="S" targetRef="T">
              <extensionElements><camunda:executionListener event="take"><camunda:script scriptFormat="javascript">execution.setVariable('took', true)</camunda:script></camunda:executionListener></extensionElements>
            </sequenceFlow>
            <task id="T"><extensionElements>
              <camunda:executionListener event="start"><camunda:script scriptFormat="javascript">execution.setVariable('started', true)</camunda:script></camunda:executionListener>
              <camunda:executionListener event="end"><camunda:script scriptFormat="javascript">execution.setVariable('ended', true)</camunda:script></camunda:executionListener>
            </extensionElements></task>
            <sequenceFlow id="f2" sourceRef="T" targetRef="U" /><userTask id="U" />
            """).Start();
        h.Variables["took"]!.GetValue<bool>().ShouldBeTrue();
        h.Variables["started"]!.GetValue<bool>().ShouldBeTrue();
        h.Variables["ended"]!.GetValue<bool>().ShouldBeTrue();
    }

    [Fact]
    public void ScriptResultVariable_AndDecimalsStayExact()
    {
        var h = new Harness().Process("""
            <startEvent id="S" /><sequenceFlow id="f1" sourceRef="S" targetRef="T" />
            <scriptTask id="T" scriptFormat="javascript" camunda:resultVariable="fee"><script>fee</script></scriptTask>
            <sequenceFlow id="f2" sourceRef="T" targetRef="U" /><userTask id="U" />
            """).Start(JsonNode.Parse("""{"fee": 30.10, "original": 30.10}""")!.AsObject());
        Expressions.JsonVariables.TryGetDecimal(h.Variables["fee"], out var fee).ShouldBeTrue();
        fee.ShouldBe(30.10m);
        h.Variables["original"]!.ToJsonString().ShouldBe("30.10");
    }

    [Fact]
    public void ThrowingScript_OpensIncident_KeepsState_RetryRunsAgain()
    {
        var h = new Harness().Process("""
            <startEvent id="S" /><sequenceFlow id="f1" sourceRef="S" targetRef="T" />
            <scriptTask id="T" scriptFormat="javascript"><script>execution.setVariable('partial', 1); if (!fixed) throw new Error('kaputt');</script></scriptTask>
            <sequenceFlow id="f2" sourceRef="T" targetRef="U" /><userTask id="U" />
            """).Start(new { @fixed = false, keep = "me" });
        h.State.ShouldBe(InstanceState.Incident);
        var incident = h.View.Incidents.Single();
        incident.ElementId.ShouldBe("T");
        incident.Message.ShouldContain("kaputt");
        h.Variables.ContainsKey("partial").ShouldBeFalse();
        h.Variables["keep"]!.ToString().ShouldBe("me");
        h.Engine.SetVariables(h.Instance!, Harness.Vars(new { @fixed = true })!);
        h.Engine.RetryIncident(incident.Id);
        h.ShouldWaitAt("U");
        h.State.ShouldBe(InstanceState.Running);
    }

    [Fact]
    public void ExternalTask_RetryCycleFromModel_ThenIncident()
    {
        var h = new Harness().Process("""
            <startEvent id="S" /><sequenceFlow id="f1" sourceRef="S" targetRef="T" />
            <serviceTask id="T" camunda:type="external" camunda:topic="t">
              <extensionElements><camunda:failedJobRetryTimeCycle>R2/PT1M</camunda:failedJobRetryTimeCycle></extensionElements>
            </serviceTask>
            """).Start();
        var t = h.Engine.OpenExternalTasks(h.Instance).Single();
        h.Engine.FailExternalTask(t.Id, "down");
        t = h.Engine.OpenExternalTasks(h.Instance).Single();
        t.Retries.ShouldBe(1);
        t.IsAvailableAt(h.Clock.GetCurrentInstant()).ShouldBeFalse();
        h.Engine.NextDueTime().ShouldBe(h.Clock.GetCurrentInstant() + NodaTime.Duration.FromMinutes(1));
        h.Advance("PT1M");
        h.Engine.FailExternalTask(t.Id, "down again");
        h.State.ShouldBe(InstanceState.Incident);
        h.Engine.RetryIncident(h.View.Incidents.Single().Id);
        h.Complete("T");
        h.State.ShouldBe(InstanceState.Completed);
    }

    [Fact]
    public void ServiceTaskWithoutImplementation_IsAnUnboundExternalTask()
    {
        var h = new Harness().Process("""
            <startEvent id="S" /><sequenceFlow id="f1" sourceRef="S" targetRef="T" /><sendTask id="T" />
            """).Start();
        var t = h.Engine.OpenExternalTasks(h.Instance).Single();
        t.Unbound.ShouldBeTrue();
        t.Topic.ShouldBeNull();
        t.ElementId.ShouldBe("T");
        h.ShouldWaitAt("T");
    }

    [Fact]
    public void UserTask_CamundaAttributes_AreEvaluated()
    {
        var h = new Harness().Process("""
            <startEvent id="S" /><sequenceFlow id="f1" sourceRef="S" targetRef="T" />
            <userTask id="T" name="Prüfen" camunda:assignee="${clerk}" camunda:candidateGroups="sachbearbeitung, leitung" camunda:candidateUsers="${['a','b']}"
              camunda:dueDate="${due}" camunda:followUpDate="P1D" camunda:priority="${prio}" camunda:formKey="embedded:app:forms/pruefen.html" />
            """).Start(new { clerk = "eva", due = "2026-01-10T12:00:00+01:00", prio = 80 });
        var t = h.Engine.OpenUserTasks(h.Instance).Single();
        t.Name.ShouldBe("Prüfen");
        t.Assignee.ShouldBe("eva");
        t.CandidateGroups.ShouldBe(["sachbearbeitung", "leitung"]);
        t.CandidateUsers.ShouldBe(["a", "b"]);
        t.Due.ShouldBe(NodaTime.Instant.FromUtc(2026, 1, 10, 11, 0));
        t.FollowUp.ShouldBe(h.Clock.GetCurrentInstant() + NodaTime.Duration.FromDays(1));
        t.Priority.ShouldBe(80);
        t.FormKey.ShouldBe("embedded:app:forms/pruefen.html");
    }

    [Fact]
    public void ComplexGateway_JoinsLikeInclusive()
    {
        var h = new Harness().Process("""
            <startEvent id="S" /><sequenceFlow id="f1" sourceRef="S" targetRef="Split" />
            <complexGateway id="Split" />
            <sequenceFlow id="fa" sourceRef="Split" targetRef="A"><conditionExpression>${a}</conditionExpression></sequenceFlow>
            <sequenceFlow id="fb" sourceRef="Split" targetRef="B"><conditionExpression>${b}</conditionExpression></sequenceFlow>
            <userTask id="A" /><userTask id="B" />
            <sequenceFlow id="fa2" sourceRef="A" targetRef="Join" /><sequenceFlow id="fb2" sourceRef="B" targetRef="Join" />
            <complexGateway id="Join" /><sequenceFlow id="f3" sourceRef="Join" targetRef="T" /><userTask id="T" />
            """).Start(new { a = true, b = true });
        h.Complete("A");
        h.ShouldWaitAt("B");
        h.Complete("B");
        h.ShouldWaitAt("T");
    }

    [Fact]
    public void State_RoundTripsThroughJson_AndTheInstanceContinues()
    {
        var h = new Harness().Process("""
            <startEvent id="S" /><sequenceFlow id="f1" sourceRef="S" targetRef="T" /><userTask id="T" />
            <boundaryEvent id="B" attachedToRef="T" cancelActivity="false"><timerEventDefinition><timeCycle>R/PT1H</timeCycle></timerEventDefinition></boundaryEvent>
            <sequenceFlow id="f2" sourceRef="B" targetRef="N" /><userTask id="N" />
            <sequenceFlow id="f3" sourceRef="T" targetRef="E" /><endEvent id="E" />
            """).Start(JsonNode.Parse("""{"amount": 12.50, "who": {"name": "Jörg"}}""")!.AsObject());
        var state = h.Engine.Store.Load("default", h.Instance!)!;
        var json = RuntimeJson.Serialize(state);
        var back = RuntimeJson.Deserialize<ProcessInstanceState>(json);
        RuntimeJson.Serialize(back).ShouldBe(json);
        back.Scopes[0].Variables["amount"]!.ToJsonString().ShouldBe("12.50");
        back.Jobs.Single().DueAt.ShouldBe(state.Jobs.Single().DueAt);

        // A second engine over a store holding only the JSON continues the instance.
        var store = new InMemoryRuntimeStore();
        back.Revision = 0;
        var changes = new RuntimeChangeSet();
        changes.Instances.Add(back);
        store.Commit(changes);
        var h2 = new Harness(b => b.UseStore(store));
        h2.Clock.Reset(h.Clock.GetCurrentInstant());
        h2.Process("""
            <startEvent id="S" /><sequenceFlow id="f1" sourceRef="S" targetRef="T" /><userTask id="T" />
            <boundaryEvent id="B" attachedToRef="T" cancelActivity="false"><timerEventDefinition><timeCycle>R/PT1H</timeCycle></timerEventDefinition></boundaryEvent>
            <sequenceFlow id="f2" sourceRef="B" targetRef="N" /><userTask id="N" />
            <sequenceFlow id="f3" sourceRef="T" targetRef="E" /><endEvent id="E" />
            """);
        var view = h2.Engine.GetInstance(back.Id);
        view.Waiting.ShouldBe(["T"]);
        h2.Engine.CompleteUserTask(h2.Engine.OpenUserTasks(back.Id).Single().Id);
        h2.Engine.GetInstance(back.Id).State.ShouldBe(InstanceState.Completed);
    }

    [Fact]
    public void ConflictingCommit_ThrowsConcurrencyConflict()
    {
        var store = new InMemoryRuntimeStore();
        var h = new Harness(b => b.UseStore(store)).Process("""<startEvent id="S" /><sequenceFlow id="f1" sourceRef="S" targetRef="T" /><userTask id="T" />""").Start();
        var a = store.Load("default", h.Instance!)!;
        var b = store.Load("default", h.Instance!)!;
        var ca = new RuntimeChangeSet();
        ca.Instances.Add(a);
        store.Commit(ca);
        var cb = new RuntimeChangeSet();
        cb.Instances.Add(b);
        Should.Throw<ConcurrencyConflictException>(() => store.Commit(cb));
    }

    [Fact]
    public void Deployment_RefusesWhatCannotRun_WithPositions()
    {
        var h = new Harness();
        var ex = Should.Throw<DeploymentException>(() => h.Process("""
            <startEvent id="S" /><sequenceFlow id="f1" sourceRef="S" targetRef="T" />
            <task id="T"><extensionElements><camunda:executionListener event="start" class="org.example.Listener" /></extensionElements></task>
            <intermediateThrowEvent id="L"><linkEventDefinition name="nowhere" /></intermediateThrowEvent>
            """));
        ex.Messages.Count.ShouldBe(2);
        ex.Messages.ShouldAllBe(m => m.StartsWith("test.bpmn:", StringComparison.Ordinal));
        ex.Messages[0].ShouldMatch(@"^test\.bpmn:\d+:\d+: execution listener");
    }
}
