namespace EGov.Workflows.Runtime.Tests;

/// <summary>
/// Every command runs within a step and time budget, and multi-instance, tokens and new instances are capped
/// (issue 20, item 3): past a budget the command rolls back and ends as a refusal or an incident naming the element.
/// </summary>
public class CommandBudgetTests
{
    [Fact]
    public void ParallelGatewayFeedingBackIntoItself_IsStoppedAndRolledBack_NamingWhereItWas()
    {
        var h = new Harness().Process("""
            <startEvent id="S" /><sequenceFlow id="f1" sourceRef="S" targetRef="Merge" />
            <exclusiveGateway id="Merge" /><sequenceFlow id="f2" sourceRef="Merge" targetRef="Fork" />
            <parallelGateway id="Fork" />
            <sequenceFlow id="f3" sourceRef="Fork" targetRef="Merge" />
            <sequenceFlow id="f4" sourceRef="Fork" targetRef="Merge" />
            """);
        var ex = Should.Throw<CommandBudgetException>(() => h.Engine.StartProcess("P"));
        ex.Message.ShouldContain("rolled back");
        ex.ElementId.ShouldNotBeNull();
        h.Engine.OpenUserTasks().ShouldBeEmpty();
    }

    [Fact]
    public void LoopWithoutAWaitState_IsStoppedAfterTheStepBudget()
    {
        var h = new Harness(b => b.UseCommandLimits(new CommandLimits { MaxSteps = 500 })).Process("""
            <startEvent id="S" /><sequenceFlow id="f1" sourceRef="S" targetRef="A" />
            <scriptTask id="A" scriptFormat="javascript"><script>execution.setVariable('n', (execution.getVariable('n') || 0) + 1)</script></scriptTask>
            <sequenceFlow id="f2" sourceRef="A" targetRef="A" />
            """);
        Should.Throw<CommandBudgetException>(() => h.Engine.StartProcess("P")).Message.ShouldContain("more than 500 steps");
    }

    [Fact]
    public void MultiInstanceOfTenMillion_IsAnIncident_AndCreatesNothing()
    {
        var h = new Harness().Process("""
            <startEvent id="S" /><sequenceFlow id="f1" sourceRef="S" targetRef="T" />
            <userTask id="T"><multiInstanceLoopCharacteristics><loopCardinality>${10000000}</loopCardinality></multiInstanceLoopCharacteristics></userTask>
            """).Start();
        h.State.ShouldBe(InstanceState.Incident);
        h.View.Incidents.Single().Message.ShouldContain("at most 10000");
        h.Engine.OpenUserTasks().ShouldBeEmpty();
    }

    [Fact]
    public void MultiInstanceWithinTheCap_Runs()
    {
        var h = new Harness().Process("""
            <startEvent id="S" /><sequenceFlow id="f1" sourceRef="S" targetRef="T" />
            <userTask id="T"><multiInstanceLoopCharacteristics><loopCardinality>${500}</loopCardinality></multiInstanceLoopCharacteristics></userTask>
            """).Start();
        h.Engine.OpenUserTasks().Count.ShouldBe(500);
    }

    [Fact]
    public void SignalStartingMoreInstancesThanTheCap_IsRefused()
    {
        var h = new Harness(b => b.UseCommandLimits(new CommandLimits { MaxInstancesPerCommand = 3 })).Process("""
            <startEvent id="S" /><sequenceFlow id="f1" sourceRef="S" targetRef="T" />
            <userTask id="T"><multiInstanceLoopCharacteristics><loopCardinality>5</loopCardinality></multiInstanceLoopCharacteristics></userTask>
            """);
        h.Deploy("""
            <process id="Sub" isExecutable="true"><startEvent id="SS" /><sequenceFlow id="g" sourceRef="SS" targetRef="W" /><userTask id="W" /></process>
            <process id="Caller" isExecutable="true"><startEvent id="CS" /><sequenceFlow id="c1" sourceRef="CS" targetRef="Call" />
              <callActivity id="Call" calledElement="Sub"><multiInstanceLoopCharacteristics><loopCardinality>5</loopCardinality></multiInstanceLoopCharacteristics></callActivity>
            </process>
            """, "caller.bpmn");
        Should.Throw<CommandBudgetException>(() => h.Engine.StartProcess("Caller")).Message.ShouldContain("more than 3 process instances");
    }
}
