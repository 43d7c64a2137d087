namespace EGov.Workflows.Runtime.Tests;

/// <summary>A complex join with an activationCondition (BPMN 2.0 §10.5.5).</summary>
public class ComplexGatewayTests
{
    private static Harness ThreeBranches(string condition) => new Harness().Process($"""
        <startEvent id="S" /><parallelGateway id="Fork" />
        <userTask id="A" /><userTask id="B" /><userTask id="C" />
        <complexGateway id="Join"><activationCondition xsi:type="tFormalExpression">{condition}</activationCondition></complexGateway>
        <userTask id="After" /><endEvent id="E" />
        <sequenceFlow id="f1" sourceRef="S" targetRef="Fork" />
        <sequenceFlow id="f2" sourceRef="Fork" targetRef="A" /><sequenceFlow id="f3" sourceRef="Fork" targetRef="B" /><sequenceFlow id="f4" sourceRef="Fork" targetRef="C" />
        <sequenceFlow id="f5" sourceRef="A" targetRef="Join" /><sequenceFlow id="f6" sourceRef="B" targetRef="Join" /><sequenceFlow id="f7" sourceRef="C" targetRef="Join" />
        <sequenceFlow id="f8" sourceRef="Join" targetRef="After" /><sequenceFlow id="f9" sourceRef="After" targetRef="E" />
        """).Start();

    [Fact]
    public void TheJoin_FiresOnceTheFirstTimeTheConditionHolds_AndConsumesLaterTokens()
    {
        var h = ThreeBranches("${activationCount &gt;= 2}");
        h.Complete("A");
        h.ShouldWaitAt("B", "C");
        h.Complete("B");
        h.ShouldWaitAt("After", "C");
        h.Complete("C");
        h.ShouldWaitAt("After");
        h.Count("Join").ShouldBe(1);
        h.Complete("After");
        h.State.ShouldBe(InstanceState.Completed);
    }

    [Fact]
    public void TheCondition_SeesProcessVariablesBesideActivationCount()
    {
        var h = ThreeBranches("${activationCount &gt;= need}");
        h.Complete("A", new { need = 1 });
        h.ShouldWaitAt("After", "B", "C");
        h.Complete("B");
        h.Complete("C");
        h.ShouldWaitAt("After");
    }

    [Fact]
    public void AConditionThatNeverHolds_JoinsLikeAnInclusiveGatewayWhenNoTokenCanStillArrive()
    {
        var h = ThreeBranches("${activationCount &gt; 5}");
        h.Complete("A");
        h.Complete("B");
        h.ShouldWaitAt("C");
        h.Complete("C");
        h.ShouldWaitAt("After");
        h.Count("Join").ShouldBe(1);
    }
}
