using System.Text.Json.Nodes;
using EGov.Workflows.Scenarios.Engine;
using EGov.Workflows.Scenarios.Model;
using EGov.Workflows.Scenarios.Running;

namespace EGov.Workflows.Scenarios.Tests;

public class ExpectationTests
{
    private static InstanceView View(
        string[]? waiting = null, string[]? completed = null, string? variables = null, IncidentView[]? incidents = null,
        EngineInstanceState state = EngineInstanceState.Running) =>
        new(state, waiting ?? [], completed ?? [], JsonNode.Parse(variables ?? "{}")!.AsObject(), incidents ?? []);

    private static Expectation Expect(
        InstanceState? state = null, string[]? waiting = null, string[]? completed = null, string[]? notCompleted = null,
        (string, int)[]? counts = null, string? variables = null, string[]? incidents = null) =>
        new(state, waiting, completed, notCompleted, counts?.Select(c => new KeyValuePair<string, int>(c.Item1, c.Item2)).ToList(),
            variables is null ? null : JsonNode.Parse(variables)!.AsObject(), incidents);

    [Fact]
    public void Waiting_IsAMultiset_OrderDoesNotMatter()
    {
        ExpectationCheck.Check(Expect(waiting: ["B", "A"]), View(waiting: ["A", "B"])).ShouldBeEmpty();
        ExpectationCheck.Check(Expect(waiting: ["Sign", "Sign", "Sign"]), View(waiting: ["Sign", "Sign", "Sign"])).ShouldBeEmpty();
    }

    [Fact]
    public void Waiting_CountsEachToken()
    {
        var m = ExpectationCheck.Check(Expect(waiting: ["Sign", "Sign"]), View(waiting: ["Sign", "Sign", "Sign"])).Single();
        m.Expected.ShouldBe("waiting [Sign, Sign]");
        m.Found.ShouldBe("waiting [Sign, Sign, Sign]");
    }

    [Fact]
    public void Waiting_EmptyListMeansNothingWaits()
    {
        ExpectationCheck.Check(Expect(waiting: []), View(waiting: ["A"])).Single().Found.ShouldBe("waiting [A]");
        ExpectationCheck.Check(Expect(waiting: []), View()).ShouldBeEmpty();
    }

    [Fact]
    public void Completed_AtLeastOnce_NotCompleted_Never()
    {
        var view = View(completed: ["Start", "A", "A"]);
        ExpectationCheck.Check(Expect(completed: ["Start", "A"], notCompleted: ["B"]), view).ShouldBeEmpty();
        var m = ExpectationCheck.Check(Expect(completed: ["B"], notCompleted: ["A"]), view);
        m.Select(x => x.Expected).ShouldBe(["completed [B]", "notCompleted [A]"]);
        m.Select(x => x.Found).ShouldBe(["not completed: [B]", "completed: A (2 times)"]);
    }

    [Fact]
    public void Counts_AreExact_ZeroMeansNever()
    {
        var view = View(completed: ["Join", "Sign", "Sign", "Sign"]);
        ExpectationCheck.Check(Expect(counts: [("Join", 1), ("Sign", 3), ("Other", 0)]), view).ShouldBeEmpty();
        var m = ExpectationCheck.Check(Expect(counts: [("Join", 1), ("Sign", 2)]), view).Single();
        m.Expected.ShouldBe("counts {Sign: 2}");
        m.Found.ShouldBe("counts {Sign: 3}");
    }

    [Fact]
    public void Variables_NumbersCompareByValue()
    {
        ExpectationCheck.Check(Expect(variables: """{ "a": 1, "b": 2.50, "c": 3 }"""), View(variables: """{ "a": 1.0, "b": 2.5, "c": 3 }""")).ShouldBeEmpty();
        var actual = new JsonObject { ["a"] = 1.0d, ["b"] = 30m, ["c"] = 7L };
        var view = new InstanceView(EngineInstanceState.Running, [], [], actual, []);
        ExpectationCheck.Check(Expect(variables: """{ "a": 1, "b": 30, "c": 7.0 }"""), view).ShouldBeEmpty();
    }

    [Fact]
    public void Variables_ObjectsCompareByTheirListedKeysOnly()
    {
        var view = View(variables: """{ "applicant": { "name": "A", "age": 34, "address": { "city": "Rüsselsheim am Main", "zip": "65428" } } }""");
        ExpectationCheck.Check(Expect(variables: """{ "applicant": { "address": { "city": "Rüsselsheim am Main" } } }"""), view).ShouldBeEmpty();
        var m = ExpectationCheck.Check(Expect(variables: """{ "applicant": { "age": 35 } }"""), view).Single();
        m.Expected.ShouldBe("""variables applicant = {"age":35}""");
        m.Found.ShouldStartWith("""variables applicant = {"name":"A","age":34,"address":{"city":"Rüsselsheim am Main""");
    }

    [Fact]
    public void Variables_ArraysCompareInFull()
    {
        var view = View(variables: """{ "tags": ["eID", "Gebühr"] }""");
        ExpectationCheck.Check(Expect(variables: """{ "tags": ["eID", "Gebühr"] }"""), view).ShouldBeEmpty();
        ExpectationCheck.Check(Expect(variables: """{ "tags": ["eID"] }"""), view).Count.ShouldBe(1);
        ExpectationCheck.Check(Expect(variables: """{ "tags": ["Gebühr", "eID"] }"""), view).Count.ShouldBe(1);
    }

    [Fact]
    public void Variables_TypesMustAgree_AndMissingIsReported()
    {
        var view = View(variables: """{ "n": "1", "flag": false, "nothing": null }""");
        ExpectationCheck.Check(Expect(variables: """{ "nothing": null }"""), view).ShouldBeEmpty();
        var m = ExpectationCheck.Check(Expect(variables: """{ "n": 1, "flag": true, "absent": null }"""), view).Single();
        m.Expected.ShouldBe("variables n = 1, flag = true, absent = null");
        m.Found.ShouldBe("""variables n = "1", flag = false, absent not set""");
    }

    [Fact]
    public void State_IncidentMeansRunningWithAnOpenIncident()
    {
        var incident = View(incidents: [new IncidentView("Pay", "connection refused")]);
        ExpectationCheck.Check(Expect(state: InstanceState.Incident, incidents: ["Pay"]), incident).ShouldBeEmpty();
        ExpectationCheck.Check(Expect(state: InstanceState.Running), incident).Single().Found
            .ShouldBe("state incident, open incidents [Pay (connection refused)]");
        ExpectationCheck.Check(Expect(state: InstanceState.Completed), View(state: EngineInstanceState.Completed)).ShouldBeEmpty();
        ExpectationCheck.Check(Expect(state: InstanceState.Terminated), View(state: EngineInstanceState.Terminated)).ShouldBeEmpty();
    }

    [Fact]
    public void Incidents_AreAMultisetOfElementIds()
    {
        var view = View(incidents: [new IncidentView("A", "x"), new IncidentView("A", "y")]);
        ExpectationCheck.Check(Expect(incidents: ["A", "A"]), view).ShouldBeEmpty();
        ExpectationCheck.Check(Expect(incidents: ["A"]), view).Single().Found.ShouldBe("incidents [A (x), A (y)]");
        ExpectationCheck.Check(Expect(incidents: []), View()).ShouldBeEmpty();
    }

    [Fact]
    public void JsonMatch_Basics()
    {
        JsonMatch.Matches(JsonValue.Create(1L), JsonValue.Create(1.0m)).ShouldBeTrue();
        JsonMatch.Matches(JsonValue.Create(0.1m), JsonValue.Create(0.1d)).ShouldBeTrue();
        JsonMatch.Matches(JsonValue.Create(1L), JsonValue.Create("1")).ShouldBeFalse();
        JsonMatch.Matches(null, null).ShouldBeTrue();
        JsonMatch.Matches(null, JsonValue.Create(0L)).ShouldBeFalse();
        JsonMatch.Matches(JsonNode.Parse("{}"), JsonNode.Parse("""{"a":1}""")).ShouldBeTrue();
        JsonMatch.Matches(JsonNode.Parse("{}"), JsonNode.Parse("[]")).ShouldBeFalse();
        JsonMatch.Matches(JsonNode.Parse("""[{"a":1}]"""), JsonNode.Parse("""[{"a":1.0,"b":2}]""")).ShouldBeTrue();
    }
}
