using EGov.Workflows.Runtime.State;

namespace EGov.Workflows.Runtime.Tests;

/// <summary>
/// Issue 15, item 8: local variables — input mappings, loop counters, <c>setVariableLocal</c> — are in the variable history
/// (with the activity as their scope), also when the activity ran straight through; and a script task's
/// <c>execution.setVariableLocal</c> inside a subprocess writes to the subprocess as Camunda 7 does.
/// </summary>
public class LocalVariableTests
{
    [Fact]
    public void InputMapping_OfAWaitingTask_IsInTheVariableHistory_WithTheTaskAsItsScope()
    {
        var h = new Harness().Process("""
            <startEvent id="S" /><sequenceFlow id="f1" sourceRef="S" targetRef="Pruefen" />
            <userTask id="Pruefen"><extensionElements><camunda:inputOutput>
              <camunda:inputParameter name="pruefer">${"Team " + team}</camunda:inputParameter>
            </camunda:inputOutput></extensionElements></userTask>
            <sequenceFlow id="f2" sourceRef="Pruefen" targetRef="E" /><endEvent id="E" />
            """).Start(new { team = "Bauamt" });

        var local = h.Engine.VariableHistory(h.Instance!).Single(c => c.Name == "pruefer");
        local.Change.ShouldBe(VariableChange.Created);
        local.NewValue.ShouldBe("\"Team Bauamt\"");
        local.ScopeElementId.ShouldBe("Pruefen");
        local.Command.ShouldBe("StartProcess");
    }

    [Fact]
    public void LoopCounters_OfAMultiInstanceThatRanStraightThrough_AreInTheVariableHistory()
    {
        var h = new Harness().Process("""
            <startEvent id="S" /><sequenceFlow id="f1" sourceRef="S" targetRef="Je" />
            <scriptTask id="Je" scriptFormat="javascript">
              <multiInstanceLoopCharacteristics isSequential="true"><loopCardinality>3</loopCardinality></multiInstanceLoopCharacteristics>
              <script>1</script>
            </scriptTask>
            <sequenceFlow id="f2" sourceRef="Je" targetRef="E" /><endEvent id="E" />
            """).Start();

        h.State.ShouldBe(InstanceState.Completed);
        var counters = h.Engine.VariableHistory(h.Instance!).Where(c => c.Name == "loopCounter").ToList();
        counters.Select(c => c.NewValue).ShouldBe(["0", "1", "2"]);
        counters.ShouldAllBe(c => c.ScopeElementId == "Je" && c.Change == VariableChange.Created);
    }

    [Fact]
    public void SetVariableLocal_OfAScriptTaskWithAnInputMapping_IsInTheHistory_AndStaysLocal()
    {
        var h = new Harness().Process("""
            <startEvent id="S" /><sequenceFlow id="f1" sourceRef="S" targetRef="Rechnen" />
            <scriptTask id="Rechnen" scriptFormat="javascript">
              <extensionElements><camunda:inputOutput><camunda:inputParameter name="basis">${10}</camunda:inputParameter></camunda:inputOutput></extensionElements>
              <script>execution.setVariableLocal('zwischen', basis * 2);</script>
            </scriptTask>
            <sequenceFlow id="f2" sourceRef="Rechnen" targetRef="Warten" /><userTask id="Warten" />
            """).Start();

        h.Variables.ContainsKey("zwischen").ShouldBeFalse(h.Variables.ToJsonString());
        var history = h.Engine.VariableHistory(h.Instance!);
        history.ShouldContain(c => c.Name == "zwischen" && c.NewValue == "20" && c.ScopeElementId == "Rechnen");
        history.ShouldContain(c => c.Name == "basis" && c.NewValue == "10" && c.ScopeElementId == "Rechnen");
    }

    [Fact]
    public void SetVariableLocal_InAScriptTaskOfASubprocess_WritesTheSubprocess_SeenByItsNextTask_GoneAfterIt()
    {
        var h = new Harness().Process("""
            <startEvent id="S" /><sequenceFlow id="f1" sourceRef="S" targetRef="Sub" />
            <subProcess id="Sub">
              <startEvent id="SS" /><sequenceFlow id="s1" sourceRef="SS" targetRef="Merken" />
              <scriptTask id="Merken" scriptFormat="javascript"><script>execution.setVariableLocal('vermerk', 'geprüft');</script></scriptTask>
              <sequenceFlow id="s2" sourceRef="Merken" targetRef="Lesen" />
              <scriptTask id="Lesen" scriptFormat="javascript"><script>execution.setVariable('gelesen', vermerk);</script></scriptTask>
              <sequenceFlow id="s3" sourceRef="Lesen" targetRef="Innen" />
              <userTask id="Innen" /><sequenceFlow id="s4" sourceRef="Innen" targetRef="SE" /><endEvent id="SE" />
            </subProcess>
            <sequenceFlow id="f2" sourceRef="Sub" targetRef="Danach" /><userTask id="Danach" />
            """).Start();

        h.ShouldWaitAt("Innen");
        h.Variables["gelesen"]!.GetValue<string>().ShouldBe("geprüft"); // the next activity of the subprocess saw it
        h.Variables.ContainsKey("vermerk").ShouldBeFalse(); // the process scope does not hold it
        var written = h.Engine.VariableHistory(h.Instance!).Single(c => c.Name == "vermerk");
        written.ScopeElementId.ShouldBe("Sub");

        h.Complete("Innen");
        h.ShouldWaitAt("Danach");
        h.Variables.ContainsKey("vermerk").ShouldBeFalse(); // ended with the subprocess
    }

    [Fact]
    public void SetVariableLocal_InAScriptTaskOfTheProcess_IsAProcessVariable_AsInCamunda()
    {
        var h = new Harness().Process("""
            <startEvent id="S" /><sequenceFlow id="f1" sourceRef="S" targetRef="Merken" />
            <scriptTask id="Merken" scriptFormat="javascript"><script>execution.setVariableLocal('vermerk', 1);</script></scriptTask>
            <sequenceFlow id="f2" sourceRef="Merken" targetRef="Warten" /><userTask id="Warten" />
            """).Start();

        h.Variables["vermerk"]!.GetValue<int>().ShouldBe(1);
    }
}
