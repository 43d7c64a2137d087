using EGov.Workflows.Dmn.Evaluation;
using EGov.Workflows.Dmn.Reading;
using EGov.Workflows.Model.Xml;

namespace EGov.Workflows.Dmn.Tests;

/// <summary>Decision tables, reading and checking: the rules of DMN 1.5 §8 and the reader's promises.</summary>
public sealed class DecisionTableTests
{
    private static string Table(string hitPolicy, string rules, string outputValues = "") => $"""
        <?xml version="1.0" encoding="UTF-8"?>
        <definitions xmlns="https://www.omg.org/spec/DMN/20230324/MODEL/" xmlns:x="urn:vendor" id="d" name="Fee" namespace="urn:fee">
          <decision id="Fee" name="Fee">
            <x:note>kept</x:note>
            <decisionTable id="T" hitPolicy="{hitPolicy}">
              <input id="I"><inputExpression typeRef="number"><text>amount</text></inputExpression></input>
              <output id="O" name="fee" typeRef="number">{outputValues}</output>
              {rules}
            </decisionTable>
          </decision>
        </definitions>
        """;

    private static string Rule(string id, string test, string output) =>
        $"<rule id=\"{id}\"><inputEntry><text>{test}</text></inputEntry><outputEntry><text>{output}</text></outputEntry></rule>";

    private static DecisionResult Decide(string xml, decimal amount)
    {
        var read = new DmnReader().ReadString(xml, "fee.dmn");
        read.HasErrors.ShouldBeFalse(string.Join("\n", read.Diagnostics));
        return DecisionModel.Compile(read.Definitions!).Evaluate("Fee", new Dictionary<string, object?> { ["amount"] = amount });
    }

    [Fact]
    public void Unique_TwoMatchingRules_IsAnErrorNamingThem()
    {
        var result = Decide(Table("UNIQUE", Rule("r1", "&gt; 10", "1") + Rule("r2", "&gt; 5", "2")), 20);
        result.Value.ShouldBeNull();
        result.Errors.ShouldHaveSingleItem().ShouldContain("r1, r2");
    }

    [Fact]
    public void First_TakesTheFirstMatchInRuleOrder() =>
        Decide(Table("FIRST", Rule("r1", "&gt; 10", "1") + Rule("r2", "&gt; 5", "2")), 20).Value.ShouldBe(1m);

    [Fact]
    public void CollectSum_AddsTheMatches() =>
        Decide(Table("COLLECT\" aggregation=\"SUM", Rule("r1", "&gt; 10", "1") + Rule("r2", "&gt; 5", "2")), 20).Value.ShouldBe(3m);

    [Fact]
    public void CollectSum_OutOfRange_IsAnErrorNotAnException()
    {
        var result = Decide(Table("COLLECT\" aggregation=\"SUM", Rule("r1", "&gt; 10", "70000000000000000000000000000") + Rule("r2", "&gt; 5", "70000000000000000000000000000")), 20);
        result.Value.ShouldBeNull();
        result.Errors.ShouldHaveSingleItem().ShouldContain("out of range");
    }

    [Theory]
    [InlineData("MIN", 2)]
    [InlineData("MAX", 5)]
    [InlineData("COUNT", 3)]
    public void CollectAggregations_FoldEveryMatch(string aggregation, int expected) =>
        Decide(Table($"COLLECT\" aggregation=\"{aggregation}", Rule("r1", "&gt; 10", "5") + Rule("r2", "&gt; 5", "2") + Rule("r3", "&gt; 1", "3") + Rule("r4", "&lt; 1", "1")), 20)
            .Value.ShouldBe((decimal)expected);

    [Fact]
    public void CollectSum_NoMatch_IsNull_CountIsZero()
    {
        Decide(Table("COLLECT\" aggregation=\"SUM", Rule("r1", "&gt; 100", "5")), 20).Value.ShouldBeNull();
        Decide(Table("COLLECT\" aggregation=\"COUNT", Rule("r1", "&gt; 100", "5")), 20).Value.ShouldBe(0m);
    }

    [Theory]
    [InlineData("RULE ORDER")]
    [InlineData("OUTPUT ORDER")]
    [InlineData("COLLECT")]
    public void MultiHit_OneMatch_IsAListOfOne(string policy) =>
        ((IReadOnlyList<object?>)Decide(Table(policy, Rule("r1", "&gt; 10", "5") + Rule("r2", "&lt; 1", "2")), 20).Value!).ShouldBe([5m]);

    [Fact]
    public void OutputOrder_SortsByOutputValues_RulesWithEqualPriorityKeepTheirOrder() =>
        ((IReadOnlyList<object?>)Decide(Table("OUTPUT ORDER", Rule("r1", "&gt; 10", "1") + Rule("r2", "&gt; 5", "2") + Rule("r3", "&gt; 1", "1"),
            "<outputValues><text>2, 1</text></outputValues>"), 20).Value!).ShouldBe([2m, 1m, 1m]);

    [Fact]
    public void Audit_HasEveryInputAndEveryMatchedRule()
    {
        var audit = Decide(Table("RULE ORDER", Rule("r1", "&gt; 10", "5") + Rule("r2", "&lt; 1", "2") + Rule("r3", "[20..30]", "7")), 20).Decisions.ShouldHaveSingleItem();
        audit.Inputs.ShouldBe([new KeyValuePair<string, object?>("amount", 20m)]);
        audit.MatchedRules.ShouldBe(["r1", "r3"]);
        audit.Output.ShouldBe(new object?[] { 5m, 7m });
    }

    [Fact]
    public void Priority_FollowsTheOrderOfOutputValues() =>
        Decide(Table("PRIORITY", Rule("r1", "&gt; 10", "1") + Rule("r2", "&gt; 5", "2"), "<outputValues><text>2, 1</text></outputValues>"), 20).Value.ShouldBe(2m);

    [Fact]
    public void MatchedRules_AreInTheAudit() =>
        Decide(Table("FIRST", Rule("r1", "&lt; 10", "1") + Rule("r2", "&gt;= 10", "2")), 20).MatchedRules.ShouldBe(["r2"]);

    [Fact]
    public void FeelSyntaxError_IsRefusedWithTheElementsPosition()
    {
        var read = new DmnReader().ReadString(Table("UNIQUE", Rule("r1", "[1 .. ", "1")), "fee.dmn");
        read.HasErrors.ShouldBeTrue();
        var error = read.Errors.First().ToString();
        error.ShouldStartWith("fee.dmn:");
        error.ShouldContain("column");
    }

    [Fact]
    public void OutputOutsideItsAllowedValues_IsAValidationError()
    {
        var read = new DmnReader().ReadString(Table("UNIQUE", Rule("r1", "&gt; 10", "3"), "<outputValues><text>1, 2</text></outputValues>"), "fee.dmn");
        read.Errors.ShouldContain(d => d.Message.Contains("not one of the allowed values"));
    }

    [Fact]
    public void Doctype_IsRefused()
    {
        var read = new DmnReader().ReadString("<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY e \"e\">]><definitions xmlns=\"https://www.omg.org/spec/DMN/20230324/MODEL/\"/>", "evil.dmn");
        read.Definitions.ShouldBeNull();
        read.Errors.ShouldHaveSingleItem().Message.ShouldContain("DOCTYPE");
    }

    [Fact]
    public void RoundTrip_KeepsVendorExtensionsAndIsStable()
    {
        var read = new DmnReader().ReadString(Table("FIRST", Rule("r1", "&gt; 10", "1")), "fee.dmn");
        var once = XmlTreeWriter.WriteString(read.Definitions!.Source);
        once.ShouldContain("<x:note>kept</x:note>");
        XmlTreeWriter.WriteString(new DmnReader().ReadString(once).Definitions!.Source).ShouldBe(once);
    }

    [Fact]
    public void Tck_Level2_AllPass()
    {
        var folder = Path.Combine(Shared(), "corpora", "dmn-tck", "TestCases", "compliance-level-2");
        if (!Directory.Exists(folder)) return;
        var (results, _) = new Tck.TckRunner().RunAll([folder]);
        results.Count.ShouldBeGreaterThan(100);
        results.Where(r => !r.Passed).Select(r => $"{r.Folder} {r.TestId}: {r.Reason}").ShouldBeEmpty();
    }

    private static string Shared()
    {
        if (Environment.GetEnvironmentVariable("EGOV_SHARED") is { Length: > 0 } s) return s;
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "EGov.Workflows.sln"))) return Path.Combine(dir.FullName, "..", "shared");
        return "../shared";
    }
}
