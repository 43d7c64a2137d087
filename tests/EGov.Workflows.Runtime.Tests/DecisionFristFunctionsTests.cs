using System.Text.Json.Nodes;
using EGov.Workflows.Dmn.Reading;
using EGov.Workflows.Time;

namespace EGov.Workflows.Runtime.Tests;

/// <summary>
/// The Frist functions in decision tables (issue 16 item 3): frist, bekanntgabe, genehmigungsfiktion, naechsterWerktag and
/// istWerktag are callable from a DMN table's FEEL and count with the tenant's Land (the engine's FristCalculator); an input
/// of the same name wins over the function.
/// </summary>
public sealed class DecisionFristFunctionsTests
{
    private const string Dmn = """
        <?xml version="1.0" encoding="UTF-8"?>
        <definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="D" name="Fristen" namespace="urn:test:fristen">
          <decision id="Werktag" name="Werktag">
            <decisionTable id="T" hitPolicy="UNIQUE">
              <input id="I"><inputExpression typeRef="string"><text>tag</text></inputExpression></input>
              <output id="O1" name="werktag" typeRef="boolean"/>
              <output id="O2" name="naechster" typeRef="string"/>
              <output id="O3" name="ende" typeRef="string"/>
              <output id="O4" name="zugang" typeRef="string"/>
              <rule id="R1"><inputEntry><text>-</text></inputEntry>
                <outputEntry><text>istWerktag(tag)</text></outputEntry>
                <outputEntry><text>string(naechsterWerktag(tag))</text></outputEntry>
                <outputEntry><text>string(frist(date("2025-12-05"), "P1M"))</text></outputEntry>
                <outputEntry><text>string(bekanntgabe(date("2026-01-02")))</text></outputEntry>
              </rule>
            </decisionTable>
          </decision>
        </definitions>
        """;

    private static JsonNode Evaluate(FristCalculator land, JsonObject variables)
    {
        var record = Record(land, variables);
        record.Errors.ShouldBeEmpty();
        return record.Result!;
    }

    private static Decisions.DecisionEvaluationRecord Record(FristCalculator land, JsonObject variables)
    {
        var engine = new WorkflowEngine(new WorkflowEngineOptions { Fristen = land });
        var read = new DmnReader().ReadString(Dmn, "fristen.dmn");
        read.HasErrors.ShouldBeFalse(string.Join("\n", read.Diagnostics));
        engine.DeployDecisions([("fristen.dmn", read.Definitions!)]);
        return engine.EvaluateDecision("Werktag", variables);
    }

    [Fact]
    public void FristFunctions_InADecisionTable_CountWithTheTenantsLand()
    {
        // 6 January 2026 (a Tuesday): Heilige Drei Könige is a holiday in Bavaria, not in Hessen.
        var hessen = Evaluate(FristCalculator.Hessen, new JsonObject { ["tag"] = "2026-01-06" });
        var bayern = Evaluate(FristCalculator.For(Bundesland.BY), new JsonObject { ["tag"] = "2026-01-06" });
        hessen["werktag"]!.GetValue<bool>().ShouldBeTrue();
        bayern["werktag"]!.GetValue<bool>().ShouldBeFalse();
        bayern["naechster"]!.GetValue<string>().ShouldBe("2026-01-07");
        // A month from 5 December 2025 ends on Monday 5 January 2026 in both Länder. Posted on 2 January, a Bescheid counts as
        // made known on the 6th (fourth day, §41 (2) VwVfG) — in Bavaria, where the 6th is a holiday, on the next working day
        // (FristCalculator.Bekanntgabetag).
        hessen["ende"]!.GetValue<string>().ShouldBe("2026-01-05");
        bayern["ende"]!.GetValue<string>().ShouldBe("2026-01-05");
        hessen["zugang"]!.GetValue<string>().ShouldBe("2026-01-06");
        bayern["zugang"]!.GetValue<string>().ShouldBe("2026-01-07");
    }

    [Fact]
    public void AnInputOfTheSameName_WinsOverTheFunction()
    {
        var record = Record(FristCalculator.Hessen, new JsonObject { ["tag"] = "2026-01-06", ["istWerktag"] = "kein Aufruf" });
        record.Result.ShouldNotBeNull();
        record.Result["werktag"].ShouldBeNull(); // "kein Aufruf" is no function: null, not Hessen's answer
    }
}
