using System.Text.Json.Nodes;
using EGov.Workflows.Dmn.Reading;

namespace EGov.Workflows.Runtime.Tests;

/// <summary>
/// Business rule tasks bound as in Camunda 7 (issue 14, item 4) and FEEL as a condition language (item 5): the result
/// mappings, version binding, an incident with the message when the decision fails, and the evaluation kept in the
/// instance's history with its command.
/// </summary>
public sealed class BusinessRuleTaskTests
{
    private static string Table(string hitPolicy, string fee = "10") => $"""
        <?xml version="1.0" encoding="UTF-8"?>
        <definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="D" name="Gebuehren" namespace="urn:test:gebuehren">
          <decision id="Gebuehr" name="Gebuehr">
            <decisionTable id="T" hitPolicy="{hitPolicy}">
              <input id="I"><inputExpression typeRef="number"><text>tage</text></inputExpression></input>
              <output id="O1" name="gebuehr" typeRef="number"/>
              <output id="O2" name="stufe" typeRef="string"/>
              <rule id="R1"><inputEntry><text>&gt; 5</text></inputEntry><outputEntry><text>{fee}</text></outputEntry><outputEntry><text>"hoch"</text></outputEntry></rule>
              <rule id="R2"><inputEntry><text>&gt; 1</text></inputEntry><outputEntry><text>5</text></outputEntry><outputEntry><text>"mittel"</text></outputEntry></rule>
            </decisionTable>
          </decision>
        </definitions>
        """;

    private static Harness With(string dmn, string taskAttributes)
    {
        var h = new Harness();
        var read = new DmnReader().ReadString(dmn, "gebuehr.dmn");
        read.HasErrors.ShouldBeFalse(string.Join("\n", read.Diagnostics));
        h.Engine.DeployDecisions([("gebuehr.dmn", read.Definitions!)]);
        return h.Process($"""
            <startEvent id="S" /><sequenceFlow id="f1" sourceRef="S" targetRef="B" />
            <businessRuleTask id="B" camunda:decisionRef="Gebuehr" {taskAttributes} />
            <sequenceFlow id="f2" sourceRef="B" targetRef="T" /><userTask id="T" />
            """);
    }

    [Fact]
    public void ResultList_IsTheDefault_OneEntryPerMatchedRule()
    {
        var h = With(Table("RULE ORDER"), "camunda:resultVariable=\"r\"").Start(new { tage = 7 });
        h.Variables["r"]!.ToJsonString().ShouldBe("""[{"gebuehr":10,"stufe":"hoch"},{"gebuehr":5,"stufe":"mittel"}]""");
    }

    [Fact]
    public void SingleResult_IsTheOneMatchedRulesEntries() =>
        With(Table("FIRST"), "camunda:resultVariable=\"r\" camunda:mapDecisionResult=\"singleResult\"").Start(new { tage = 7 })
            .Variables["r"]!.ToJsonString().ShouldBe("""{"gebuehr":10,"stufe":"hoch"}""");

    [Fact]
    public void SingleEntry_OfATwoOutputTable_IsAnIncidentWithTheReason()
    {
        var h = With(Table("FIRST"), "camunda:resultVariable=\"r\" camunda:mapDecisionResult=\"singleEntry\"").Start(new { tage = 7 });
        var incident = h.View.Incidents.ShouldHaveSingleItem();
        incident.ElementId.ShouldBe("B");
        incident.Message.ShouldContain("the result has 2 entries");
        h.Variables.ContainsKey("r").ShouldBeFalse();
    }

    [Fact]
    public void UniqueViolation_IsAnIncidentNamingTheRules_AndTheEvaluationIsKept()
    {
        var h = With(Table("UNIQUE"), "camunda:resultVariable=\"r\"").Start(new { tage = 7 });
        h.View.Incidents.ShouldHaveSingleItem().Message.ShouldContain("R1, R2");
        var kept = h.Engine.DecisionHistory(h.Instance!).ShouldHaveSingleItem();
        kept.Failed.ShouldBeTrue();
        kept.ElementId.ShouldBe("B");
        kept.MatchedRules.ShouldBe(["R1", "R2"]);
    }

    [Fact]
    public void Evaluation_IsInTheInstancesHistory_WithInputsMatchedRulesAndResult()
    {
        var h = With(Table("FIRST"), "camunda:resultVariable=\"r\" camunda:mapDecisionResult=\"singleResult\"").Start(new { tage = 3 });
        var kept = h.Engine.DecisionHistory(h.Instance!).ShouldHaveSingleItem();
        kept.ProcessInstanceId.ShouldBe(h.Instance);
        kept.RootInstanceId.ShouldBe(h.Instance);
        kept.Inputs["tage"]!.GetValue<int>().ShouldBe(3);
        kept.MatchedRules.ShouldBe(["R2"]);
        kept.Result!.ToJsonString().ShouldBe("""{"gebuehr":5,"stufe":"mittel"}""");
        h.Engine.Decisions.History(processInstanceId: h.Instance).ShouldHaveSingleItem().Id.ShouldBe(kept.Id);
    }

    [Fact]
    public void VersionBinding_UsesTheNamedVersion_LatestOtherwise()
    {
        var h = With(Table("FIRST"), "camunda:resultVariable=\"r\" camunda:mapDecisionResult=\"singleResult\" camunda:decisionRefBinding=\"version\" camunda:decisionRefVersion=\"1\"");
        var read = new DmnReader().ReadString(Table("FIRST", fee: "99"), "gebuehr.dmn");
        h.Engine.DeployDecisions([("gebuehr.dmn", read.Definitions!)]).ShouldHaveSingleItem().Version.ShouldBe(2);
        h.Start(new { tage = 7 }).Variables["r"]!["gebuehr"]!.ToJsonString().ShouldBe("10");
        h.Engine.EvaluateDecision("Gebuehr", new JsonObject { ["tage"] = 7 }).Result!["gebuehr"]!.ToJsonString().ShouldBe("99");
    }

    [Fact]
    public void UnknownDecision_IsAnIncidentAtTheTask()
    {
        var h = new Harness().Process("""
            <startEvent id="S" /><sequenceFlow id="f1" sourceRef="S" targetRef="B" />
            <businessRuleTask id="B" camunda:decisionRef="Fehlt" camunda:resultVariable="r" />
            <sequenceFlow id="f2" sourceRef="B" targetRef="T" /><userTask id="T" />
            """).Start();
        var incident = h.View.Incidents.ShouldHaveSingleItem();
        incident.ElementId.ShouldBe("B");
        incident.Message.ShouldContain("no decision 'Fehlt'");
    }

    [Theory]
    [InlineData("<conditionExpression language=\"feel\">betrag &gt; 100</conditionExpression>")]
    [InlineData("<conditionExpression>= betrag &gt; 100</conditionExpression>")]
    public void FeelCondition_ChoosesTheBranch(string condition)
    {
        var process = $"""
            <startEvent id="S" /><sequenceFlow id="f1" sourceRef="S" targetRef="G" />
            <exclusiveGateway id="G" default="klein" />
            <sequenceFlow id="gross" sourceRef="G" targetRef="Gross">{condition}</sequenceFlow>
            <sequenceFlow id="klein" sourceRef="G" targetRef="Klein" />
            <userTask id="Gross" /><userTask id="Klein" />
            """;
        new Harness().Process(process).Start(new { betrag = 250 }).Waiting.ShouldBe(["Gross"]);
        new Harness().Process(process).Start(new { betrag = 50 }).Waiting.ShouldBe(["Klein"]);
    }

    [Fact]
    public void FeelCondition_WithASyntaxError_IsAnIncidentWithTheColumn()
    {
        var h = new Harness().Process("""
            <startEvent id="S" /><sequenceFlow id="f1" sourceRef="S" targetRef="G" />
            <exclusiveGateway id="G" default="klein" />
            <sequenceFlow id="gross" sourceRef="G" targetRef="Gross"><conditionExpression language="feel">betrag &gt; (</conditionExpression></sequenceFlow>
            <sequenceFlow id="klein" sourceRef="G" targetRef="Klein" />
            <userTask id="Gross" /><userTask id="Klein" />
            """).Start(new { betrag = 250 });
        h.View.Incidents.ShouldHaveSingleItem().Message.ShouldContain("column");
    }
}
