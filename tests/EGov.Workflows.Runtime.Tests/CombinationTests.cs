namespace EGov.Workflows.Runtime.Tests;

/// <summary>The same semantics in other combinations: propagation across call activities and multi-instance, correlation.</summary>
public class CombinationTests
{
    private const string Defs = """<message id="M" name="Zahlung" /><error id="E" errorCode="E1" /><escalation id="X" escalationCode="X1" />""";

    [Fact]
    public void EscalationOfCalledProcess_ReachesNonInterruptingBoundaryOfCallActivity()
    {
        var h = new Harness().Process("""
            <startEvent id="S" /><sequenceFlow id="f1" sourceRef="S" targetRef="Call" /><callActivity id="Call" calledElement="C" />
            <boundaryEvent id="B" attachedToRef="Call" cancelActivity="false"><escalationEventDefinition escalationRef="X" /></boundaryEvent>
            <sequenceFlow id="f2" sourceRef="B" targetRef="Note" /><userTask id="Note" />
            """, Defs + """
            <process id="C" isExecutable="true"><startEvent id="CS" /><sequenceFlow id="c1" sourceRef="CS" targetRef="CX" />
              <intermediateThrowEvent id="CX"><escalationEventDefinition escalationRef="X" /></intermediateThrowEvent>
              <sequenceFlow id="c2" sourceRef="CX" targetRef="CT" /><userTask id="CT" /></process>
            """).Start();
        h.ShouldWaitAt("CT", "Note");
    }

    [Fact]
    public void ErrorInMultiInstanceSubprocess_CaughtByBoundaryOnTheMultiInstanceActivity()
    {
        var h = new Harness().Process("""
            <startEvent id="S" /><sequenceFlow id="f1" sourceRef="S" targetRef="Sub" />
            <subProcess id="Sub">
              <multiInstanceLoopCharacteristics><loopCardinality>3</loopCardinality></multiInstanceLoopCharacteristics>
              <startEvent id="SS" /><sequenceFlow id="f2" sourceRef="SS" targetRef="T" /><userTask id="T" />
              <sequenceFlow id="f3" sourceRef="T" targetRef="G" /><exclusiveGateway id="G" default="f5" />
              <sequenceFlow id="f4" sourceRef="G" targetRef="Err"><conditionExpression>${bad}</conditionExpression></sequenceFlow>
              <sequenceFlow id="f5" sourceRef="G" targetRef="Ok" /><endEvent id="Ok" /><endEvent id="Err"><errorEventDefinition errorRef="E" /></endEvent>
            </subProcess>
            <boundaryEvent id="B" attachedToRef="Sub"><errorEventDefinition errorRef="E" /></boundaryEvent>
            <sequenceFlow id="f6" sourceRef="B" targetRef="Handle" /><userTask id="Handle" />
            """, Defs).Start(new { bad = false });
        h.ShouldWaitAt("T", "T", "T");
        h.Complete("T");
        h.Complete("T", new { bad = true });
        h.ShouldWaitAt("Handle");
        h.Count("Sub").ShouldBe(1);
    }

    [Fact]
    public void InterruptingTimerOnMultiInstance_CancelsEveryInstance()
    {
        var h = new Harness().Process("""
            <startEvent id="S" /><sequenceFlow id="f1" sourceRef="S" targetRef="T" />
            <userTask id="T"><multiInstanceLoopCharacteristics><loopCardinality>2</loopCardinality></multiInstanceLoopCharacteristics></userTask>
            <boundaryEvent id="B" attachedToRef="T"><timerEventDefinition><timeDuration>P1D</timeDuration></timerEventDefinition></boundaryEvent>
            <sequenceFlow id="f2" sourceRef="B" targetRef="Late" /><userTask id="Late" />
            """).Start();
        h.Complete("T");
        h.Advance("P1D");
        h.ShouldWaitAt("Late");
        h.Count("T").ShouldBe(1);
    }

    [Fact]
    public void InterruptingTimerOnCallActivity_CancelsTheCallee()
    {
        var h = new Harness().Process("""
            <startEvent id="S" /><sequenceFlow id="f1" sourceRef="S" targetRef="Call" /><callActivity id="Call" calledElement="C" />
            <boundaryEvent id="B" attachedToRef="Call"><timerEventDefinition><timeDuration>PT1H</timeDuration></timerEventDefinition></boundaryEvent>
            <sequenceFlow id="f2" sourceRef="B" targetRef="Late" /><userTask id="Late" />
            """, """<process id="C" isExecutable="true"><startEvent id="CS" /><sequenceFlow id="c1" sourceRef="CS" targetRef="CT" /><userTask id="CT" /></process>""").Start();
        h.ShouldWaitAt("CT");
        h.Advance("PT1H");
        h.ShouldWaitAt("Late");
        h.Engine.OpenUserTasks().Select(t => t.ElementId).ShouldBe(["Late"]);
    }

    [Fact]
    public void ReceiveTask_ReceivesItsMessage_ByBusinessKey()
    {
        var h = new Harness().Process("""
            <startEvent id="S" /><sequenceFlow id="f1" sourceRef="S" targetRef="R" /><receiveTask id="R" messageRef="M" />
            <sequenceFlow id="f2" sourceRef="R" targetRef="T" /><userTask id="T" />
            """, Defs);
        h.Start(businessKey: "A");
        var a = h.Instance!;
        h.Start(businessKey: "B");
        h.Engine.CorrelateMessage("Zahlung", "B").ShouldBe(1);
        h.ShouldWaitAt("T");
        h.Engine.GetInstance(a).Waiting.ShouldBe(["R"]);
        h.Engine.CorrelateMessage("Zahlung", "nobody").ShouldBe(0);
    }

    [Fact]
    public void EventBasedGateway_TimerWins_MessageNoLongerAccepted()
    {
        var h = new Harness().Process("""
            <startEvent id="S" /><sequenceFlow id="f1" sourceRef="S" targetRef="G" /><eventBasedGateway id="G" />
            <sequenceFlow id="f2" sourceRef="G" targetRef="Pay" /><sequenceFlow id="f3" sourceRef="G" targetRef="Wait" />
            <intermediateCatchEvent id="Pay"><messageEventDefinition messageRef="M" /></intermediateCatchEvent>
            <intermediateCatchEvent id="Wait"><timerEventDefinition><timeDuration>P14D</timeDuration></timerEventDefinition></intermediateCatchEvent>
            <sequenceFlow id="f4" sourceRef="Pay" targetRef="Paid" /><userTask id="Paid" />
            <sequenceFlow id="f5" sourceRef="Wait" targetRef="Remind" /><userTask id="Remind" />
            """, Defs).Start();
        h.ShouldWaitAt("Pay", "Wait");
        h.Advance("P14D");
        h.ShouldWaitAt("Remind");
        h.Count("G").ShouldBe(1);
        h.Count("Wait").ShouldBe(1);
        h.Engine.CorrelateMessage("Zahlung").ShouldBe(0);
    }

    [Fact]
    public void TerminateInsideSubprocess_EndsOnlyTheSubprocess()
    {
        var h = new Harness().Process("""
            <startEvent id="S" /><sequenceFlow id="f1" sourceRef="S" targetRef="Sub" />
            <subProcess id="Sub"><startEvent id="SS" /><parallelGateway id="F" /><sequenceFlow id="f2" sourceRef="SS" targetRef="F" />
              <sequenceFlow id="f3" sourceRef="F" targetRef="A" /><sequenceFlow id="f4" sourceRef="F" targetRef="K" />
              <userTask id="A" /><endEvent id="K"><terminateEventDefinition /></endEvent></subProcess>
            <sequenceFlow id="f5" sourceRef="Sub" targetRef="After" /><userTask id="After" />
            """).Start();
        h.ShouldWaitAt("After");
        h.Count("Sub").ShouldBe(1);
        h.Count("A").ShouldBe(0);
    }

    [Fact]
    public void NonInterruptingMessageEventSubprocess_RunsOncePerMessage()
    {
        var h = new Harness().Process("""
            <startEvent id="S" /><sequenceFlow id="f1" sourceRef="S" targetRef="T" /><userTask id="T" />
            <subProcess id="Esp" triggeredByEvent="true"><startEvent id="ES" isInterrupting="false"><messageEventDefinition messageRef="M" /></startEvent>
              <sequenceFlow id="f2" sourceRef="ES" targetRef="N" /><userTask id="N" /></subProcess>
            """, Defs).Start();
        h.Message("Zahlung").Message("Zahlung");
        h.ShouldWaitAt("N", "N", "T");
        h.Complete("T");
        h.State.ShouldBe(InstanceState.Running);
        h.Complete("N").Complete("N");
        h.State.ShouldBe(InstanceState.Completed);
    }

    [Fact]
    public void UnhandledErrorFromWorker_EndsThePath_LikeCamunda()
    {
        var h = new Harness().Process("""
            <startEvent id="S" /><sequenceFlow id="f1" sourceRef="S" targetRef="T" /><serviceTask id="T" camunda:type="external" camunda:topic="t" />
            <sequenceFlow id="f2" sourceRef="T" targetRef="Next" /><userTask id="Next" />
            """).Start();
        h.Engine.ThrowExternalTaskBpmnError(h.Engine.OpenExternalTasks(h.Instance).Single().Id, "NOBODY");
        h.State.ShouldBe(InstanceState.Completed);
        h.Count("Next").ShouldBe(0);
    }

    [Fact]
    public void SequentialMultiInstanceCallActivity_CallsOneAfterAnother()
    {
        var h = new Harness().Process("""
            <startEvent id="S" /><sequenceFlow id="f1" sourceRef="S" targetRef="Call" />
            <callActivity id="Call" calledElement="C">
              <extensionElements><camunda:in source="item" target="item" /></extensionElements>
              <multiInstanceLoopCharacteristics isSequential="true" camunda:collection="items" camunda:elementVariable="item" />
            </callActivity>
            <sequenceFlow id="f2" sourceRef="Call" targetRef="E" /><endEvent id="E" />
            """, """<process id="C" isExecutable="true"><startEvent id="CS" /><sequenceFlow id="c1" sourceRef="CS" targetRef="CT" /><userTask id="CT" camunda:assignee="${item}" /></process>""")
            .Start(System.Text.Json.Nodes.JsonNode.Parse("""{"items":["x","y"]}""")!.AsObject());
        h.Engine.OpenUserTasks().Single().Assignee.ShouldBe("x");
        h.Complete("CT");
        h.Engine.OpenUserTasks().Single().Assignee.ShouldBe("y");
        h.Complete("CT");
        h.State.ShouldBe(InstanceState.Completed);
        h.Count("Call").ShouldBe(2);
    }
}
