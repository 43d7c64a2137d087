using System.Text.Json.Nodes;
using EGov.Workflows.Dmn.Model;
using EGov.Workflows.Dmn.Reading;
using EGov.Workflows.Runtime.Decisions;

namespace EGov.Workflows.Persistence.Tests;

/// <summary>
/// Decisions on the durable stores (issue 14, item 4): deployed versions and the evaluation history — inputs, matched
/// rules, outputs, warnings — survive a restart, so "why was this fee charged" is answerable afterwards.
/// </summary>
public sealed class DecisionPersistenceTests
{
    public static TheoryData<string> Providers() => TestDatabases.Providers();

    private static string Fee(string perYear = "30.70") => $"""
        <?xml version="1.0" encoding="UTF-8"?>
        <definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="D" name="Gebuehr" namespace="urn:egov:gebuehr">
          <decision id="Gebuehr" name="Gebuehr">
            <decisionTable id="T" hitPolicy="UNIQUE">
              <input id="I1" label="Laufzeit"><inputExpression typeRef="number"><text>laufzeitJahre</text></inputExpression></input>
              <input id="I2" label="Ermaessigung"><inputExpression typeRef="number"><text>100 / teiler</text></inputExpression></input>
              <output id="O" name="gebuehr" typeRef="number"/>
              <rule id="Rule_Zwei"><inputEntry><text>2</text></inputEntry><inputEntry><text>-</text></inputEntry><outputEntry><text>2 * {perYear}</text></outputEntry></rule>
              <rule id="Rule_Eins"><inputEntry><text>not(2)</text></inputEntry><inputEntry><text>-</text></inputEntry><outputEntry><text>{perYear}</text></outputEntry></rule>
            </decisionTable>
          </decision>
        </definitions>
        """;

    private const string Process = """
        <?xml version="1.0" encoding="UTF-8"?>
        <definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn"
                     id="defs" targetNamespace="urn:test">
          <process id="Parkausweis" isExecutable="true">
            <startEvent id="Start"/>
            <sequenceFlow id="f1" sourceRef="Start" targetRef="Berechnen"/>
            <businessRuleTask id="Berechnen" camunda:decisionRef="Gebuehr" camunda:resultVariable="gebuehr" camunda:mapDecisionResult="singleEntry"/>
            <sequenceFlow id="f2" sourceRef="Berechnen" targetRef="Pruefen"/>
            <userTask id="Pruefen"/>
            <sequenceFlow id="f3" sourceRef="Pruefen" targetRef="End"/>
            <endEvent id="End"/>
          </process>
        </definitions>
        """;

    private static (string, DmnDefinitions) Dmn(string xml)
    {
        var read = new DmnReader().ReadString(xml, "gebuehr.dmn");
        read.HasErrors.ShouldBeFalse(string.Join("\n", read.Diagnostics));
        return ("gebuehr.dmn", read.Definitions!);
    }

    [Theory, MemberData(nameof(Providers))]
    public void DeploymentsAndEvaluations_SurviveARestart(string provider)
    {
        using var db = TestDatabases.Create(provider);
        var clock = Models.Clock();
        string instance, direct;
        {
            var engine = Models.Engine(db.OpenStore(), clock);
            engine.DeployDecisions([Dmn(Fee())]).ShouldHaveSingleItem().Version.ShouldBe(1);
            engine.DeployDecisions([Dmn(Fee("31.00"))]).ShouldHaveSingleItem().Version.ShouldBe(2);
            engine.Deploy("parkausweis.bpmn", Models.Read(Process));
            instance = engine.StartProcess("Parkausweis", new JsonObject { ["laufzeitJahre"] = 2, ["teiler"] = 0 });
            engine.GetInstance(instance).Variables["gebuehr"]!.GetValue<decimal>().ShouldBe(62.00m);
            direct = engine.EvaluateDecision("Gebuehr", new JsonObject { ["laufzeitJahre"] = 1, ["teiler"] = 4 }, version: 1).Id;
        }

        // Restart: a new store object on the same database and a new engine.
        var restarted = Models.Engine(db.OpenStore(), clock);

        restarted.Decisions.All().Select(d => (d.Key, d.Version)).ShouldBe([("Gebuehr", 1), ("Gebuehr", 2)]);
        restarted.Decisions.Find("Gebuehr")!.Version.ShouldBe(2);
        restarted.DeployDecisions([Dmn(Fee("31.00"))]).ShouldHaveSingleItem().Version.ShouldBe(2); // unchanged: keeps its version
        restarted.DeployDecisions([Dmn(Fee("32.00"))]).ShouldHaveSingleItem().Version.ShouldBe(3);

        // Why was this fee charged: the instance's evaluation with its inputs, the matched rule, the output and the warning.
        var why = restarted.DecisionHistory(instance).ShouldHaveSingleItem();
        why.DecisionKey.ShouldBe("Gebuehr");
        why.Version.ShouldBe(2);
        why.ProcessInstanceId.ShouldBe(instance);
        why.ElementId.ShouldBe("Berechnen");
        why.EvaluatedAt.ShouldBe(Models.Start);
        why.Inputs["laufzeitJahre"]!.GetValue<int>().ShouldBe(2);
        why.MatchedRules.ShouldBe(["Rule_Zwei"]);
        why.Result!.GetValue<decimal>().ShouldBe(62.00m);
        why.Warnings.ShouldContain("division by zero");
        var audit = why.Decisions.ShouldHaveSingleItem()!;
        audit["inputs"]!["Laufzeit"]!.GetValue<decimal>().ShouldBe(2m);
        audit["inputs"]!["Ermaessigung"].ShouldBeNull();
        restarted.Decisions.ResultList(why).ShouldHaveSingleItem()["gebuehr"]!.GetValue<decimal>().ShouldBe(62.00m);

        var again = restarted.Decisions.FindEvaluation(direct).ShouldNotBeNull();
        again.ProcessInstanceId.ShouldBeNull();
        again.Version.ShouldBe(1);
        again.Result!.GetValue<decimal>().ShouldBe(30.70m);
        restarted.Decisions.History("Gebuehr").Select(r => r.Id).ShouldBe([why.Id, direct]);
        restarted.Decisions.History(processInstanceId: instance).ShouldHaveSingleItem().Id.ShouldBe(why.Id);
        restarted.Decisions.History("Gebuehr", offset: 1, limit: 5).ShouldHaveSingleItem().Id.ShouldBe(direct);

        // The instance goes on with the fee it was charged (the process model deployed again, as DurableDeployments would).
        restarted.Deploy("parkausweis.bpmn", Models.Read(Process));
        restarted.CompleteUserTask(restarted.OpenUserTasks(instance).Single().Id);
        restarted.GetInstance(instance).Variables["gebuehr"]!.GetValue<decimal>().ShouldBe(62.00m);
    }

    [Theory, MemberData(nameof(Providers))]
    public void FailedDecision_IsKeptWithTheIncident(string provider)
    {
        using var db = TestDatabases.Create(provider);
        var clock = Models.Clock();
        var engine = Models.Engine(db.OpenStore(), clock);
        engine.Deploy("parkausweis.bpmn", Models.Read(Process.Replace("decisionRef=\"Gebuehr\"", "decisionRef=\"Unbekannt\"", StringComparison.Ordinal)));
        var instance = engine.StartProcess("Parkausweis", new JsonObject { ["laufzeitJahre"] = 2 });

        var restarted = Models.Engine(db.OpenStore(), clock);
        restarted.IncidentHistory(instance).ShouldHaveSingleItem().Message.ShouldContain("Unbekannt");
        var failed = restarted.DecisionHistory(instance).ShouldHaveSingleItem();
        failed.Failed.ShouldBeTrue();
        failed.Errors.ShouldHaveSingleItem().ShouldContain("no decision 'Unbekannt'");
    }

    [Theory, MemberData(nameof(Providers))]
    public void DecisionHistory_IsPerTenant(string provider)
    {
        using var db = TestDatabases.Create(provider);
        var clock = Models.Clock();
        var store = db.OpenStore();
        var kassel = Models.Engine(store, clock, "kassel");
        kassel.DeployDecisions([Dmn(Fee())]);
        kassel.EvaluateDecision("Gebuehr", new JsonObject { ["laufzeitJahre"] = 1, ["teiler"] = 1 });

        var fulda = Models.Engine(db.OpenStore(), clock, "fulda");
        fulda.Decisions.All().ShouldBeEmpty();
        fulda.Decisions.History().ShouldBeEmpty();
        Models.Engine(db.OpenStore(), clock, "kassel").Decisions.History().ShouldHaveSingleItem();
    }
}
