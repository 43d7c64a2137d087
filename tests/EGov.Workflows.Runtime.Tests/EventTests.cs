namespace EGov.Workflows.Runtime.Tests;

/// <summary>Start, end, intermediate and boundary events of every kind.</summary>
public class EventTests
{
    private const string Msg = """<message id="M" name="Antrag" /><message id="M2" name="Nachricht" /><signal id="Sig" name="Alarm" /><error id="E" errorCode="E1" /><escalation id="X" escalationCode="X1" />""";

    private static Harness H(string elements) => new Harness().Process(elements, Msg);

    [Fact]
    public void MessageStartEvent_StartsAnInstance_WithVariablesAndBusinessKey()
    {
        var h = H("""
            <startEvent id="S1"><messageEventDefinition messageRef="M" /></startEvent>
            <sequenceFlow id="f1" sourceRef="S1" targetRef="T" /><userTask id="T" />
            """);
        var id = h.Engine.StartProcessByMessage("Antrag", Harness.Vars(new { a = 1 }), "VG-1");
        var v = h.Engine.GetInstance(id);
        v.Waiting.ShouldBe(["T"]);
        v.BusinessKey.ShouldBe("VG-1");
        v.Variables["a"]!.ToString().ShouldBe("1");
    }

    [Fact]
    public void CorrelateMessage_WithNobodyWaiting_StartsByMessageStartEvent()
    {
        var h = H("""
            <startEvent id="S1"><messageEventDefinition messageRef="M" /></startEvent>
            <sequenceFlow id="f1" sourceRef="S1" targetRef="T" /><userTask id="T" />
            """);
        h.Engine.CorrelateMessage("Antrag", "VG-2").ShouldBe(1);
        h.Engine.OpenUserTasks().Single().BusinessKey.ShouldBe("VG-2");
    }

    [Fact]
    public void TimerStartEvent_StartsAnInstanceWhenDue()
    {
        var h = H("""
            <startEvent id="S1"><timerEventDefinition><timeDuration>PT1H</timeDuration></timerEventDefinition></startEvent>
            <sequenceFlow id="f1" sourceRef="S1" targetRef="T" /><userTask id="T" />
            """);
        h.Engine.OpenUserTasks().ShouldBeEmpty();
        h.Advance("PT1H");
        h.Engine.OpenUserTasks().Count.ShouldBe(1);
        h.Advance("P1D");
        h.Engine.OpenUserTasks().Count.ShouldBe(1);
    }

    [Fact]
    public void TimerStartCycle_StartsRepeatedly()
    {
        var h = H("""
            <startEvent id="S1"><timerEventDefinition><timeCycle>R3/PT1H</timeCycle></timerEventDefinition></startEvent>
            <sequenceFlow id="f1" sourceRef="S1" targetRef="T" /><userTask id="T" />
            """);
        h.Advance("PT10H");
        h.Engine.OpenUserTasks().Count.ShouldBe(3);
    }

    [Fact]
    public void SignalStartEvent_StartsOnBroadcast()
    {
        var h = H("""
            <startEvent id="S1"><signalEventDefinition signalRef="Sig" /></startEvent>
            <sequenceFlow id="f1" sourceRef="S1" targetRef="T" /><userTask id="T" />
            """);
        h.Engine.BroadcastSignal("Alarm").ShouldBe(1);
        h.Engine.OpenUserTasks().Count.ShouldBe(1);
    }

    [Fact]
    public void ConditionalStartEvent_StartsWhenConditionHolds()
    {
        var h = H("""
            <startEvent id="S1"><conditionalEventDefinition><condition>${amount > 100}</condition></conditionalEventDefinition></startEvent>
            <sequenceFlow id="f1" sourceRef="S1" targetRef="T" /><userTask id="T" />
            """);
        h.Engine.EvaluateStartConditions(Harness.Vars(new { amount = 50 })).ShouldBeEmpty();
        h.Engine.EvaluateStartConditions(Harness.Vars(new { amount = 500 })).Count.ShouldBe(1);
    }

    [Fact]
    public void EscalationEnd_CaughtByNonInterruptingBoundaryOnSubprocess()
    {
        var h = H("""
            <startEvent id="S" /><sequenceFlow id="f1" sourceRef="S" targetRef="Sub" />
            <subProcess id="Sub">
              <startEvent id="SS" /><sequenceFlow id="f2" sourceRef="SS" targetRef="Esc" />
              <intermediateThrowEvent id="Esc"><escalationEventDefinition escalationRef="X" /></intermediateThrowEvent>
              <sequenceFlow id="f3" sourceRef="Esc" targetRef="Inner" /><userTask id="Inner" />
            </subProcess>
            <boundaryEvent id="B" attachedToRef="Sub" cancelActivity="false"><escalationEventDefinition escalationRef="X" /></boundaryEvent>
            <sequenceFlow id="f4" sourceRef="B" targetRef="Handle" /><userTask id="Handle" />
            """).Start();
        h.ShouldWaitAt("Handle", "Inner");
        h.Count("B").ShouldBe(1);
    }

    [Fact]
    public void UnhandledEscalation_IsIgnored()
    {
        var h = H("""
            <startEvent id="S" /><sequenceFlow id="f1" sourceRef="S" targetRef="Esc" />
            <intermediateThrowEvent id="Esc"><escalationEventDefinition escalationRef="X" /></intermediateThrowEvent>
            <sequenceFlow id="f3" sourceRef="Esc" targetRef="T" /><userTask id="T" />
            """).Start();
        h.ShouldWaitAt("T");
    }

    [Fact]
    public void SignalEndEvent_ReachesOtherInstances()
    {
        var h = H("""
            <startEvent id="S" /><exclusiveGateway id="G" default="toWait" />
            <sequenceFlow id="f1" sourceRef="S" targetRef="G" />
            <sequenceFlow id="toWait" sourceRef="G" targetRef="C" />
            <sequenceFlow id="toThrow" sourceRef="G" targetRef="End"><conditionExpression>${thrower}</conditionExpression></sequenceFlow>
            <intermediateCatchEvent id="C"><signalEventDefinition signalRef="Sig" /></intermediateCatchEvent>
            <sequenceFlow id="f2" sourceRef="C" targetRef="T" /><userTask id="T" />
            <endEvent id="End"><signalEventDefinition signalRef="Sig" /></endEvent>
            """).Start(new { thrower = false });
        var waiter = h.Instance!;
        h.ShouldWaitAt("C");
        h.Start(new { thrower = true });
        h.State.ShouldBe(InstanceState.Completed);
        h.Engine.GetInstance(waiter).Waiting.ShouldBe(["T"]);
    }

    [Fact]
    public void MessageEndEvent_WithoutImplementation_EndsLikeNone()
    {
        var h = H("""
            <startEvent id="S" /><sequenceFlow id="f1" sourceRef="S" targetRef="End" />
            <endEvent id="End"><messageEventDefinition messageRef="M" /></endEvent>
            """).Start();
        h.State.ShouldBe(InstanceState.Completed);
    }

    [Fact]
    public void ConditionalCatch_WaitsUntilVariableMakesConditionTrue()
    {
        var h = H("""
            <startEvent id="S" /><parallelGateway id="Fork" />
            <sequenceFlow id="f1" sourceRef="S" targetRef="Fork" />
            <sequenceFlow id="f2" sourceRef="Fork" targetRef="C" /><sequenceFlow id="f3" sourceRef="Fork" targetRef="T" />
            <intermediateCatchEvent id="C"><conditionalEventDefinition><condition>${approved == true}</condition></conditionalEventDefinition></intermediateCatchEvent>
            <sequenceFlow id="f4" sourceRef="C" targetRef="After" /><userTask id="After" /><userTask id="T" />
            """).Start(new { approved = false });
        h.ShouldWaitAt("C", "T");
        h.Complete("T", new { approved = true });
        h.ShouldWaitAt("After");
    }

    [Fact]
    public void ConditionalCatch_PassesWhenAlreadyTrue()
    {
        var h = H("""
            <startEvent id="S" /><sequenceFlow id="f1" sourceRef="S" targetRef="C" />
            <intermediateCatchEvent id="C"><conditionalEventDefinition><condition>x > 1</condition></conditionalEventDefinition></intermediateCatchEvent>
            <sequenceFlow id="f4" sourceRef="C" targetRef="After" /><userTask id="After" />
            """).Start(new { x = 2 });
        h.ShouldWaitAt("After");
    }

    [Fact]
    public void InterruptingMessageBoundary_CancelsTask_NotCounted()
    {
        var h = H("""
            <startEvent id="S" /><sequenceFlow id="f1" sourceRef="S" targetRef="T" /><userTask id="T" />
            <boundaryEvent id="B" attachedToRef="T"><messageEventDefinition messageRef="M" /></boundaryEvent>
            <sequenceFlow id="f2" sourceRef="B" targetRef="After" /><userTask id="After" />
            """).Start();
        h.Message("Antrag", new { reason = "x" });
        h.ShouldWaitAt("After");
        h.Count("T").ShouldBe(0);
        h.Count("B").ShouldBe(1);
        h.Variables["reason"]!.ToString().ShouldBe("x");
    }

    [Fact]
    public void NonInterruptingMessageBoundary_KeepsTask_AndCanFireAgain()
    {
        var h = H("""
            <startEvent id="S" /><sequenceFlow id="f1" sourceRef="S" targetRef="T" /><userTask id="T" />
            <boundaryEvent id="B" attachedToRef="T" cancelActivity="false"><messageEventDefinition messageRef="M" /></boundaryEvent>
            <sequenceFlow id="f2" sourceRef="B" targetRef="Note" /><userTask id="Note" />
            """).Start();
        h.Message("Antrag").Message("Antrag");
        h.ShouldWaitAt("Note", "Note", "T");
        h.Complete("T");
        h.Engine.CorrelateMessage("Antrag").ShouldBe(0);
    }

    [Fact]
    public void InterruptingSignalBoundary_OnSubprocess_CancelsInnerTasks()
    {
        var h = H("""
            <startEvent id="S" /><sequenceFlow id="f1" sourceRef="S" targetRef="Sub" />
            <subProcess id="Sub"><startEvent id="SS" /><sequenceFlow id="f2" sourceRef="SS" targetRef="In" /><userTask id="In" /></subProcess>
            <boundaryEvent id="B" attachedToRef="Sub"><signalEventDefinition signalRef="Sig" /></boundaryEvent>
            <sequenceFlow id="f3" sourceRef="B" targetRef="After" /><userTask id="After" />
            """).Start();
        h.Signal("Alarm");
        h.ShouldWaitAt("After");
        h.Engine.OpenUserTasks(h.Instance).Single().ElementId.ShouldBe("After");
    }

    [Fact]
    public void ErrorBoundary_OnExternalTask_CatchesWorkerBpmnError()
    {
        var h = H("""
            <startEvent id="S" /><sequenceFlow id="f1" sourceRef="S" targetRef="T" />
            <serviceTask id="T" camunda:type="external" camunda:topic="pay" />
            <boundaryEvent id="B" attachedToRef="T"><errorEventDefinition errorRef="E" /></boundaryEvent>
            <sequenceFlow id="f2" sourceRef="B" targetRef="After" /><userTask id="After" />
            <sequenceFlow id="f3" sourceRef="T" targetRef="End" /><endEvent id="End" />
            """).Start();
        var task = h.Engine.OpenExternalTasks(h.Instance).Single();
        h.Engine.ThrowExternalTaskBpmnError(task.Id, "E1", "declined", Harness.Vars(new { why = "declined" }));
        h.ShouldWaitAt("After");
        h.Count("T").ShouldBe(0);
        h.Variables["why"]!.ToString().ShouldBe("declined");
    }

    [Fact]
    public void ConditionalBoundary_FiresWhenVariableChanges()
    {
        var h = H("""
            <startEvent id="S" /><parallelGateway id="Fork" /><sequenceFlow id="f0" sourceRef="S" targetRef="Fork" />
            <sequenceFlow id="f1" sourceRef="Fork" targetRef="T" /><sequenceFlow id="f1b" sourceRef="Fork" targetRef="Other" />
            <userTask id="T" /><userTask id="Other" />
            <boundaryEvent id="B" attachedToRef="T"><conditionalEventDefinition><condition>${cancel}</condition></conditionalEventDefinition></boundaryEvent>
            <sequenceFlow id="f2" sourceRef="B" targetRef="After" /><userTask id="After" />
            """).Start(new { cancel = false });
        h.ShouldWaitAt("Other", "T");
        h.Complete("Other", new { cancel = true });
        h.ShouldWaitAt("After");
    }

    [Fact]
    public void TimerCatch_FromExpression()
    {
        var h = H("""
            <startEvent id="S" /><sequenceFlow id="f1" sourceRef="S" targetRef="W" />
            <intermediateCatchEvent id="W"><timerEventDefinition><timeDuration>${frist}</timeDuration></timerEventDefinition></intermediateCatchEvent>
            <sequenceFlow id="f2" sourceRef="W" targetRef="T" /><userTask id="T" />
            """).Start(new { frist = "P2D" });
        h.Advance("P1D");
        h.ShouldWaitAt("W");
        h.Advance("P1D");
        h.ShouldWaitAt("T");
    }

    [Fact]
    public void TimerDate_InBerlinTime()
    {
        var h = H("""
            <startEvent id="S" /><sequenceFlow id="f1" sourceRef="S" targetRef="W" />
            <intermediateCatchEvent id="W"><timerEventDefinition><timeDate>2026-01-05T10:00:00</timeDate></timerEventDefinition></intermediateCatchEvent>
            <sequenceFlow id="f2" sourceRef="W" targetRef="T" /><userTask id="T" />
            """).Start();
        h.Engine.NextDueTime().ShouldBe(NodaTime.Instant.FromUtc(2026, 1, 5, 9, 0));
    }

    [Fact]
    public void EventSubprocess_TimerNonInterrupting_CycleKeepsFiringWhileScopeRuns()
    {
        var h = H("""
            <startEvent id="S" /><sequenceFlow id="f1" sourceRef="S" targetRef="T" /><userTask id="T" />
            <sequenceFlow id="f2" sourceRef="T" targetRef="End" /><endEvent id="End" />
            <subProcess id="Esp" triggeredByEvent="true">
              <startEvent id="ES" isInterrupting="false"><timerEventDefinition><timeCycle>R/PT1H</timeCycle></timerEventDefinition></startEvent>
              <sequenceFlow id="f3" sourceRef="ES" targetRef="Remind" /><scriptTask id="Remind" scriptFormat="javascript"><script>execution.setVariable('n', (typeof n === 'undefined' ? 0 : n) + 1)</script></scriptTask>
              <sequenceFlow id="f4" sourceRef="Remind" targetRef="EE" /><endEvent id="EE" />
            </subProcess>
            """).Start();
        h.Advance("PT3H");
        h.Variables["n"]!.ToString().ShouldBe("3");
        h.Complete("T");
        h.State.ShouldBe(InstanceState.Completed);
        h.Engine.NextDueTime().ShouldBeNull();
    }

    [Fact]
    public void EventSubprocess_SignalInterrupting()
    {
        var h = H("""
            <startEvent id="S" /><sequenceFlow id="f1" sourceRef="S" targetRef="T" /><userTask id="T" />
            <subProcess id="Esp" triggeredByEvent="true">
              <startEvent id="ES"><signalEventDefinition signalRef="Sig" /></startEvent>
              <sequenceFlow id="f3" sourceRef="ES" targetRef="H" /><userTask id="H" />
            </subProcess>
            """).Start();
        h.Signal("Alarm");
        h.ShouldWaitAt("H");
        h.Complete("H");
        h.State.ShouldBe(InstanceState.Completed);
    }

    [Fact]
    public void EventSubprocess_Conditional()
    {
        var h = H("""
            <startEvent id="S" /><sequenceFlow id="f1" sourceRef="S" targetRef="T" /><userTask id="T" />
            <sequenceFlow id="f2" sourceRef="T" targetRef="T2" /><userTask id="T2" />
            <subProcess id="Esp" triggeredByEvent="true">
              <startEvent id="ES"><conditionalEventDefinition><condition>${urgent}</condition></conditionalEventDefinition></startEvent>
              <sequenceFlow id="f3" sourceRef="ES" targetRef="H" /><userTask id="H" />
            </subProcess>
            """).Start(new { urgent = false });
        h.Complete("T", new { urgent = true });
        h.ShouldWaitAt("H");
    }

    [Fact]
    public void ErrorEventSubprocess_InsideSubprocess_CatchesExternalTaskError()
    {
        var h = H("""
            <startEvent id="S" /><sequenceFlow id="f1" sourceRef="S" targetRef="Sub" />
            <subProcess id="Sub">
              <startEvent id="SS" /><sequenceFlow id="f2" sourceRef="SS" targetRef="Pay" /><serviceTask id="Pay" camunda:type="external" camunda:topic="p" />
              <subProcess id="Esp" triggeredByEvent="true">
                <startEvent id="ES"><errorEventDefinition errorRef="E" /></startEvent>
                <sequenceFlow id="f3" sourceRef="ES" targetRef="H" /><userTask id="H" />
              </subProcess>
            </subProcess>
            <sequenceFlow id="f4" sourceRef="Sub" targetRef="After" /><userTask id="After" />
            """).Start();
        h.Engine.ThrowExternalTaskBpmnError(h.Engine.OpenExternalTasks(h.Instance).Single().Id, "E1");
        h.ShouldWaitAt("H");
        h.Complete("H");
        h.ShouldWaitAt("After");
    }

    [Fact]
    public void CompensationIntermediateThrow_RunsHandlersInReverseOrder()
    {
        var h = H("""
            <startEvent id="S" /><sequenceFlow id="f1" sourceRef="S" targetRef="A" />
            <scriptTask id="A" scriptFormat="javascript"><script>execution.setVariable('log', [])</script></scriptTask>
            <sequenceFlow id="f2" sourceRef="A" targetRef="B" /><task id="B" />
            <boundaryEvent id="CA" attachedToRef="A"><compensateEventDefinition /></boundaryEvent>
            <boundaryEvent id="CB" attachedToRef="B"><compensateEventDefinition /></boundaryEvent>
            <scriptTask id="UndoA" isForCompensation="true" scriptFormat="javascript"><script>execution.setVariable('log', log.concat(['A']))</script></scriptTask>
            <scriptTask id="UndoB" isForCompensation="true" scriptFormat="javascript"><script>execution.setVariable('log', log.concat(['B']))</script></scriptTask>
            <association id="a1" sourceRef="CA" targetRef="UndoA" /><association id="a2" sourceRef="CB" targetRef="UndoB" />
            <sequenceFlow id="f3" sourceRef="B" targetRef="Comp" />
            <intermediateThrowEvent id="Comp"><compensateEventDefinition /></intermediateThrowEvent>
            <sequenceFlow id="f4" sourceRef="Comp" targetRef="T" /><userTask id="T" />
            """).Start();
        h.ShouldWaitAt("T");
        h.Variables["log"]!.ToJsonString().ShouldBe("""["B","A"]""");
    }

    [Fact]
    public void LinkEvents_AreNotInHistory()
    {
        var h = H("""
            <startEvent id="S" /><sequenceFlow id="f1" sourceRef="S" targetRef="LT" />
            <intermediateThrowEvent id="LT"><linkEventDefinition name="go" /></intermediateThrowEvent>
            <intermediateCatchEvent id="LC"><linkEventDefinition name="go" /></intermediateCatchEvent>
            <sequenceFlow id="f2" sourceRef="LC" targetRef="T" /><userTask id="T" />
            """).Start();
        h.ShouldWaitAt("T");
        h.View.History.Select(r => r.ElementId).ShouldBe(["S"]);
    }
}
