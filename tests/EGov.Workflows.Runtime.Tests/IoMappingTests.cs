namespace EGov.Workflows.Runtime.Tests;

/// <summary>camunda:inputOutput as the Camunda 7 user guide ("Input/Output Variable Mapping") describes it; the
/// scenarios in tests/scenarios/mappings show the rules on whole models, these pin what a scenario cannot see.</summary>
public class IoMappingTests
{
    [Fact]
    public void Outputs_OneFails_ThoseSetBeforeItArePutBack_AndAnIncidentOpens()
    {
        var h = new Harness().Process("""
            <startEvent id="S" /><sequenceFlow id="f1" sourceRef="S" targetRef="T" />
            <userTask id="T"><extensionElements><camunda:inputOutput>
              <camunda:outputParameter name="status">neu</camunda:outputParameter>
              <camunda:outputParameter name="zusatz">angelegt</camunda:outputParameter>
              <camunda:outputParameter name="kaputt">${gibtEsNicht.feld}</camunda:outputParameter>
            </camunda:inputOutput></extensionElements></userTask>
            <sequenceFlow id="f2" sourceRef="T" targetRef="After" /><userTask id="After" />
            """).Start(new { status = "alt" });

        h.Complete("T");

        h.View.Incidents.ShouldHaveSingleItem().ElementId.ShouldBe("T");
        h.Variables["status"]!.GetValue<string>().ShouldBe("alt");
        h.Variables.ContainsKey("zusatz").ShouldBeFalse();
        h.Variables.ContainsKey("kaputt").ShouldBeFalse();
    }

    [Fact]
    public void Inputs_OnAMultiInstanceActivity_SeeTheLoopCounterOfTheirInstance()
    {
        var h = new Harness().Process("""
            <startEvent id="S" /><sequenceFlow id="f1" sourceRef="S" targetRef="T" />
            <scriptTask id="T" scriptFormat="javascript">
              <multiInstanceLoopCharacteristics isSequential="true"><loopCardinality>2</loopCardinality></multiInstanceLoopCharacteristics>
              <extensionElements><camunda:inputOutput><camunda:inputParameter name="nr">${loopCounter + 1}</camunda:inputParameter></camunda:inputOutput></extensionElements>
              <script>execution.setVariable('zuletzt', nr)</script>
            </scriptTask>
            <sequenceFlow id="f2" sourceRef="T" targetRef="After" /><userTask id="After" />
            """).Start();

        h.ShouldWaitAt("After");
        h.Variables["zuletzt"]!.GetValue<decimal>().ShouldBe(2m);
    }
}
