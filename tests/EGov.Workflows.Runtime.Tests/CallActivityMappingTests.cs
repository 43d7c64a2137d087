namespace EGov.Workflows.Runtime.Tests;

/// <summary>
/// camunda:in and camunda:out as the Camunda 7 reference (Call Activity, "Passing Variables") describes them.
/// The scenarios in tests/scenarios/mappings show the same rules on whole models; these pin the corners.
/// </summary>
public class CallActivityMappingTests
{
    private const string Defs = """<error id="E" errorCode="E1" />""";

    /// <summary>A called process that sets <c>grund</c> and ends with error E1.</summary>
    private const string FailingChild = """
        <process id="Child" isExecutable="true"><startEvent id="CS" /><sequenceFlow id="c1" sourceRef="CS" targetRef="CSet" />
          <scriptTask id="CSet" scriptFormat="javascript"><script>execution.setVariable('grund', 'tief unten')</script></scriptTask>
          <sequenceFlow id="c2" sourceRef="CSet" targetRef="CErr" /><endEvent id="CErr"><errorEventDefinition errorRef="E" /></endEvent></process>
        """;

    [Fact]
    public void Out_ErrorFromTwoLevelsDown_AppliesTheMappingsOfEveryCallActivityItPasses()
    {
        var h = new Harness().Process("""
            <startEvent id="S" /><sequenceFlow id="f1" sourceRef="S" targetRef="Call" />
            <callActivity id="Call" calledElement="Middle"><extensionElements><camunda:out source="mitte" target="oben" /></extensionElements></callActivity>
            <boundaryEvent id="B" attachedToRef="Call"><errorEventDefinition errorRef="E" /></boundaryEvent>
            <sequenceFlow id="f2" sourceRef="B" targetRef="Handle" /><userTask id="Handle" />
            """, Defs + FailingChild + """
            <process id="Middle" isExecutable="true"><startEvent id="MS" /><sequenceFlow id="m1" sourceRef="MS" targetRef="MCall" />
              <callActivity id="MCall" calledElement="Child"><extensionElements><camunda:out source="grund" target="mitte" /></extensionElements></callActivity>
              <sequenceFlow id="m2" sourceRef="MCall" targetRef="MEnd" /><endEvent id="MEnd" /></process>
            """).Start();

        h.ShouldWaitAt("Handle");
        h.Variables["oben"]!.GetValue<string>().ShouldBe("tief unten");
    }

    [Fact]
    public void Out_UnsetSource_OverwritesTheTargetWithNull()
    {
        var h = new Harness().Process("""
            <startEvent id="S" /><sequenceFlow id="f1" sourceRef="S" targetRef="Call" />
            <callActivity id="Call" calledElement="Child"><extensionElements><camunda:out source="gibtEsNicht" target="wert" /></extensionElements></callActivity>
            <boundaryEvent id="B" attachedToRef="Call"><errorEventDefinition errorRef="E" /></boundaryEvent>
            <sequenceFlow id="f2" sourceRef="B" targetRef="Handle" /><userTask id="Handle" />
            """, Defs + FailingChild).Start(new { wert = "vorher" });

        h.ShouldWaitAt("Handle");
        h.Variables.ContainsKey("wert").ShouldBeTrue();
        h.Variables["wert"].ShouldBeNull();
    }

    [Fact]
    public void In_Local_DoesNotSeeTheCallersProcessVariables()
    {
        var h = new Harness().Process("""
            <startEvent id="S" /><sequenceFlow id="f1" sourceRef="S" targetRef="Call" />
            <callActivity id="Call" calledElement="Child">
              <extensionElements>
                <camunda:inputOutput><camunda:inputParameter name="eigen">${amt}</camunda:inputParameter></camunda:inputOutput>
                <camunda:in variables="all" local="true" />
                <camunda:in sourceExpression="${typeof amt}" target="amtSichtbar" local="true" />
                <camunda:out source="gesehen" target="gesehen" />
              </extensionElements>
            </callActivity>
            <sequenceFlow id="f2" sourceRef="Call" targetRef="After" /><userTask id="After" />
            """, """
            <process id="Child" isExecutable="true"><startEvent id="CS" /><sequenceFlow id="c1" sourceRef="CS" targetRef="CSee" />
              <scriptTask id="CSee" scriptFormat="javascript"><script>execution.setVariable('gesehen',
                { amt: execution.hasVariable('amt'), eigen: eigen, amtSichtbar: amtSichtbar })</script></scriptTask>
              <sequenceFlow id="c2" sourceRef="CSee" targetRef="CEnd" /><endEvent id="CEnd" /></process>
            """).Start(new { amt = "Ordnungsamt" });

        h.ShouldWaitAt("After");
        var seen = h.Variables["gesehen"]!.AsObject();
        seen["amt"]!.GetValue<bool>().ShouldBeFalse();
        seen["eigen"]!.GetValue<string>().ShouldBe("Ordnungsamt");
        seen["amtSichtbar"]!.GetValue<string>().ShouldBe("undefined");
    }

    [Theory]
    [InlineData("camunda:variableMappingClass=\"org.example.Mapping\"")]
    [InlineData("camunda:variableMappingDelegateExpression=\"${mapping}\"")]
    public void DelegatedVariableMapping_IsRefusedAtDeployment_NotSilentlySkipped(string attribute)
    {
        var ex = Should.Throw<DeploymentException>(() => new Harness().Process($"""
            <startEvent id="S" /><sequenceFlow id="f1" sourceRef="S" targetRef="Call" />
            <callActivity id="Call" calledElement="Child" {attribute} />
            """));

        ex.Message.ShouldContain("delegates its variable mapping to Java code");
    }
}
