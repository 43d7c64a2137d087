using EGov.Workflows.Runtime.State;
using EGov.Workflows.Runtime.Store;

namespace EGov.Workflows.Runtime.Tests;

/// <summary>
/// Compensation event subprocesses (BPMN 2.0.2 §10.5.6, Camunda 7 "Compensation Event Subprocess"): when a completed
/// embedded subprocess is compensated, its compensation event subprocess runs in the subprocess's scope as it was.
/// </summary>
public class CompensationEventSubProcessTests
{
    /// <summary>Sub (input bookingId, inner Book with handler UndoBook, compensation event subprocess Esp) → Review → Throw → After.</summary>
    private static string Booking(string espBody = "") => $"""
        <startEvent id="Start" /><sequenceFlow id="f1" sourceRef="Start" targetRef="Sub" />
        <subProcess id="Sub">
          <extensionElements><camunda:inputOutput><camunda:inputParameter name="bookingId">B-1</camunda:inputParameter></camunda:inputOutput></extensionElements>
          <startEvent id="SS" /><sequenceFlow id="s1" sourceRef="SS" targetRef="Book" />
          <scriptTask id="Book" scriptFormat="javascript"><script>execution.setVariable('booked', true)</script></scriptTask>
          <boundaryEvent id="CB" attachedToRef="Book"><compensateEventDefinition /></boundaryEvent>
          <scriptTask id="UndoBook" isForCompensation="true" scriptFormat="javascript"><script>execution.setVariable('booked', false)</script></scriptTask>
          <association id="a1" sourceRef="CB" targetRef="UndoBook" />
          <sequenceFlow id="s2" sourceRef="Book" targetRef="SE" /><endEvent id="SE" />
          <subProcess id="Esp" triggeredByEvent="true">
            <startEvent id="ES"><compensateEventDefinition /></startEvent>
            <scriptTask id="Cancel" scriptFormat="javascript"><script>execution.setVariable('cancelled', bookingId)</script></scriptTask>
            <sequenceFlow id="e1" sourceRef="ES" targetRef="Cancel" />
            {espBody}
            <sequenceFlow id="e2" sourceRef="Cancel" targetRef="EE" /><endEvent id="EE" />
          </subProcess>
        </subProcess>
        <sequenceFlow id="f2" sourceRef="Sub" targetRef="Review" /><userTask id="Review" />
        <sequenceFlow id="f3" sourceRef="Review" targetRef="Throw" />
        <intermediateThrowEvent id="Throw"><compensateEventDefinition activityRef="Sub" /></intermediateThrowEvent>
        <sequenceFlow id="f4" sourceRef="Throw" targetRef="After" /><userTask id="After" />
        """;

    [Fact]
    public void CompletedSubprocess_IsKeptInTheInstanceState_WithItsEventSubprocessAndLocals_AcrossAJsonRoundTrip()
    {
        var store = new InMemoryRuntimeStore();
        var h = new Harness(b => b.UseStore(store)).Process(Booking()).Start();
        h.ShouldWaitAt("Review");

        var state = RuntimeJson.Deserialize<ProcessInstanceState>(RuntimeJson.Serialize(store.Load(RuntimeDefaults.Tenant, h.Instance!)!));

        var sub = state.Compensations.Single(r => r.ElementId == "Sub");
        sub.EventSubProcessId.ShouldBe("Esp");
        sub.HandlerElementId.ShouldBeNull();
        sub.Locals!["bookingId"]!.GetValue<string>().ShouldBe("B-1");
        sub.ScopeVariables.ShouldNotBeNull();
        state.Compensations.ShouldContain(r => r.ElementId == "Book" && r.ScopeId == sub.NestedScopeId);
        state.Scopes.ShouldNotContain(s => s.Id == sub.NestedScopeId, "the completed scope is not running any more");
    }

    [Fact]
    public void CompensatingTheSubprocess_RunsItsEventSubprocess_WithTheSubprocessLocals_InsteadOfTheInnerHandlers()
    {
        var h = new Harness().Process(Booking()).Start();
        h.Complete("Review");

        h.ShouldWaitAt("After");
        h.Variables["cancelled"]!.GetValue<string>().ShouldBe("B-1");
        h.Count("Esp").ShouldBe(1);
        h.Count("UndoBook").ShouldBe(0);
        h.Variables["booked"]!.GetValue<bool>().ShouldBeTrue();
        h.Variables.ContainsKey("bookingId").ShouldBeFalse("the subprocess's local stays local");
    }

    [Fact]
    public void AfterItsEventSubprocess_NothingOfTheSubprocessIsLeftToCompensate()
    {
        var store = new InMemoryRuntimeStore();
        var h = new Harness(b => b.UseStore(store)).Process(Booking()).Start();
        h.Complete("Review");

        h.ShouldWaitAt("After");
        var state = store.Load(RuntimeDefaults.Tenant, h.Instance!)!;
        state.Compensations.ShouldBeEmpty();
        state.Scopes.Count.ShouldBe(1, "only the process scope: the restored subprocess scope ended with its event subprocess");
        state.Tokens.ShouldAllBe(t => !t.RestoredForCompensation);
    }

    [Fact]
    public void ACompensationThrowInTheEventSubprocess_CompensatesTheSubprocessInnerActivities_ByActivityRef()
    {
        var h = new Harness().Process(Booking("""
            <sequenceFlow id="e3" sourceRef="Cancel" targetRef="Inner" />
            <intermediateThrowEvent id="Inner"><compensateEventDefinition activityRef="Book" /></intermediateThrowEvent>
            <sequenceFlow id="e4" sourceRef="Inner" targetRef="EE2" /><endEvent id="EE2" />
            """)).Start();
        h.Complete("Review");

        h.ShouldWaitAt("After");
        h.Count("UndoBook").ShouldBe(1);
        h.Variables["booked"]!.GetValue<bool>().ShouldBeFalse();
    }

    [Fact]
    public void ASubprocessInterruptedByABoundaryEvent_IsNotCompensated()
    {
        var h = new Harness().Process("""
            <startEvent id="Start" /><sequenceFlow id="f1" sourceRef="Start" targetRef="Sub" />
            <subProcess id="Sub">
              <startEvent id="SS" /><sequenceFlow id="s1" sourceRef="SS" targetRef="Work" /><userTask id="Work" />
              <sequenceFlow id="s2" sourceRef="Work" targetRef="SE" /><endEvent id="SE" />
              <subProcess id="Esp" triggeredByEvent="true">
                <startEvent id="ES"><compensateEventDefinition /></startEvent>
                <sequenceFlow id="e1" sourceRef="ES" targetRef="EE" /><endEvent id="EE" />
              </subProcess>
            </subProcess>
            <boundaryEvent id="Late" attachedToRef="Sub"><timerEventDefinition><timeDuration>PT1H</timeDuration></timerEventDefinition></boundaryEvent>
            <sequenceFlow id="f2" sourceRef="Late" targetRef="Throw" />
            <intermediateThrowEvent id="Throw"><compensateEventDefinition /></intermediateThrowEvent>
            <sequenceFlow id="f3" sourceRef="Throw" targetRef="After" /><userTask id="After" />
            """).Start();
        h.Advance("PT2H");

        h.ShouldWaitAt("After");
        h.Count("Throw").ShouldBe(1);
        h.Count("ES").ShouldBe(0);
    }

    [Fact]
    public void ACompensationEventSubprocessAtProcessLevel_IsRefusedAtDeployment_WithItsPosition()
    {
        var ex = Should.Throw<DeploymentException>(() => new Harness().Process("""
            <startEvent id="Start" /><sequenceFlow id="f1" sourceRef="Start" targetRef="End" /><endEvent id="End" />
            <subProcess id="Esp" triggeredByEvent="true">
              <startEvent id="ES"><compensateEventDefinition /></startEvent>
              <sequenceFlow id="e1" sourceRef="ES" targetRef="EE" /><endEvent id="EE" />
            </subProcess>
            """));
        ex.Messages.ShouldHaveSingleItem().ShouldMatch(@"^test\.bpmn:\d+:\d+: compensation event subprocess 'Esp' must be inside an embedded subprocess");
    }

    [Fact]
    public void TwoCompensationEventSubprocessesInOneSubprocess_AreRefusedAtDeployment()
    {
        var esp = (string id) => $"""
            <subProcess id="{id}" triggeredByEvent="true">
              <startEvent id="{id}S"><compensateEventDefinition /></startEvent>
              <sequenceFlow id="{id}f" sourceRef="{id}S" targetRef="{id}E" /><endEvent id="{id}E" />
            </subProcess>
            """;
        var ex = Should.Throw<DeploymentException>(() => new Harness().Process($"""
            <startEvent id="Start" /><sequenceFlow id="f1" sourceRef="Start" targetRef="Sub" />
            <subProcess id="Sub">
              <startEvent id="SS" /><sequenceFlow id="s1" sourceRef="SS" targetRef="SE" /><endEvent id="SE" />
              {esp("Esp1")}{esp("Esp2")}
            </subProcess>
            <sequenceFlow id="f2" sourceRef="Sub" targetRef="End" /><endEvent id="End" />
            """));
        ex.Messages.ShouldHaveSingleItem().ShouldContain("subprocess 'Sub' has a second compensation event subprocess 'Esp2'");
    }
}
