using NodaTime;

namespace EGov.Workflows.Runtime.Tests;

/// <summary>
/// Regression tests for what an outside probe did with timers (issue 20): a millisecond cycle as a start event, the
/// same text in a variable, and a non-interrupting boundary cycle that started 2³¹ seconds ago. Each must be refused or
/// contained, and the job executor must come back idle.
/// </summary>
public class TimerFloodTests
{
    [Fact]
    public void StartEvent_WithAMillisecondCycle_IsRefusedAtDeploy_WithItsPosition_AndNothingIsDeployed()
    {
        var h = new Harness();
        var ex = Should.Throw<DeploymentException>(() => h.Process("""
            <startEvent id="S1"><timerEventDefinition><timeCycle>R/1970-01-01T00:00:00Z/PT0.001S</timeCycle></timerEventDefinition></startEvent>
            <sequenceFlow id="f1" sourceRef="S1" targetRef="T" /><userTask id="T" />
            """));
        ex.Message.ShouldContain("test.bpmn:");
        ex.Message.ShouldContain("shorter than the minimum of 1 s");
        h.Engine.Deployed().ShouldBeEmpty();
        h.Engine.NextDueTime().ShouldBeNull();
    }

    [Fact]
    public void CatchEvent_WithACronThatNeverFires_IsRefusedAtDeploy() =>
        Should.Throw<DeploymentException>(() => new Harness().Process("""
            <startEvent id="S" /><sequenceFlow id="f1" sourceRef="S" targetRef="W" />
            <intermediateCatchEvent id="W"><timerEventDefinition><timeCycle>0 0 0 30 2 ?</timeCycle></timerEventDefinition></intermediateCatchEvent>
            <sequenceFlow id="f2" sourceRef="W" targetRef="E" /><endEvent id="E" />
            """)).Message.ShouldContain("never fires");

    [Fact]
    public void StartEvent_WhoseCycleExpressionGivesAMillisecondCycle_IsRefusedAtDeploy() =>
        Should.Throw<DeploymentException>(() => new Harness().Process("""
            <startEvent id="S1"><timerEventDefinition><timeCycle>${'R/PT0.001S'}</timeCycle></timerEventDefinition></startEvent>
            <sequenceFlow id="f1" sourceRef="S1" targetRef="T" /><userTask id="T" />
            """)).Message.ShouldContain("S1");

    [Fact]
    public void BoundaryCycle_FromAVariableBelowTheMinimum_IsAnIncident_NotAFlood()
    {
        var h = new Harness().Process("""
            <startEvent id="S" /><sequenceFlow id="f1" sourceRef="S" targetRef="T" /><userTask id="T" />
            <boundaryEvent id="B" attachedToRef="T" cancelActivity="false"><timerEventDefinition><timeCycle>${cycle}</timeCycle></timerEventDefinition></boundaryEvent>
            <sequenceFlow id="f2" sourceRef="B" targetRef="N" /><userTask id="N" />
            <sequenceFlow id="f3" sourceRef="T" targetRef="E" /><endEvent id="E" />
            """);
        h.Start(new { cycle = "R/PT0.001S" });
        h.State.ShouldBe(InstanceState.Incident);
        h.View.Incidents.Single().Message.ShouldContain("shorter than the minimum");
        h.Engine.NextDueTime().ShouldBeNull();
    }

    [Fact]
    public void BoundaryCycle_StartedTwoToTheThirtyOneSecondsAgo_FiresOnce_ThenKeepsItsRhythm()
    {
        var h = new Harness();
        var start = h.Clock.GetCurrentInstant() - Duration.FromSeconds(1L << 31);
        h.Process($"""
            <startEvent id="S" /><sequenceFlow id="f1" sourceRef="S" targetRef="T" /><userTask id="T" />
            <boundaryEvent id="B" attachedToRef="T" cancelActivity="false"><timerEventDefinition><timeCycle>R/{start}/PT1H</timeCycle></timerEventDefinition></boundaryEvent>
            <sequenceFlow id="f2" sourceRef="B" targetRef="N" /><userTask id="N" />
            <sequenceFlow id="f3" sourceRef="T" targetRef="E" /><endEvent id="E" />
            """).Start();
        h.Engine.RunDueJobs().ShouldBe(0); // the grid's next occurrence lies ahead; nothing to catch up
        h.Advance("PT3H");
        h.Engine.OpenUserTasks().Count(t => t.ElementId == "N").ShouldBe(3);
        (h.Engine.NextDueTime()!.Value - h.Clock.GetCurrentInstant()).ShouldBeLessThanOrEqualTo(Duration.FromHours(1));
    }

    [Fact]
    public void BoundaryCycle_ThatWasDueLongAgo_FiresOnceForTheGap_NotInABurst()
    {
        var h = new Harness().Process("""
            <startEvent id="S" /><sequenceFlow id="f1" sourceRef="S" targetRef="T" /><userTask id="T" />
            <boundaryEvent id="B" attachedToRef="T" cancelActivity="false"><timerEventDefinition><timeCycle>R/PT1M</timeCycle></timerEventDefinition></boundaryEvent>
            <sequenceFlow id="f2" sourceRef="B" targetRef="N" /><userTask id="N" />
            <sequenceFlow id="f3" sourceRef="T" targetRef="E" /><endEvent id="E" />
            """).Start();
        // The engine was down for a day: 1,440 minutes were missed.
        h.Clock.Advance(Duration.FromDays(1));
        h.Engine.RunDueJobs().ShouldBe(1);
        h.Engine.OpenUserTasks().Count(t => t.ElementId == "N").ShouldBe(1);
        h.Engine.NextDueTime().ShouldBe(h.Clock.GetCurrentInstant() + Duration.FromMinutes(1), "the rhythm resumes after now");
    }
}
