using EGov.Workflows.Feel;
using EGov.Workflows.Feel.Syntax;
using EGov.Workflows.Feel.Values;
using NodaTime;

namespace EGov.Workflows.Feel.Tests;

/// <summary>FEEL as DMN 1.5 §10.3 states it: one expression each, the rule in the name.</summary>
public sealed class FeelExpressionTests
{
    private static object? Eval(string text, Dictionary<string, object?>? vars = null, FeelEvaluation? ev = null) =>
        new FeelEngine().CompileExpression(text, new FeelCompileOptions { KnownNames = vars?.Keys.ToArray() ?? [] }).Evaluate(vars ?? [], ev);

    [Fact]
    public void Arithmetic_IsDecimal_NotBinaryFloatingPoint() => Eval("0.1 + 0.2 = 0.3").ShouldBe(true);

    [Fact]
    public void Division_ByZero_IsNullWithAWarning()
    {
        var ev = new FeelEvaluation();
        Eval("10 / 0", ev: ev).ShouldBeNull();
        ev.Warnings.ShouldContain("division by zero");
    }

    [Fact]
    public void Comparison_OfIncompatibleTypes_IsNull() => Eval("1 < \"a\"").ShouldBeNull();

    [Theory]
    [InlineData("1 < \"a\"")]
    [InlineData("\"a\" >= 2")]
    [InlineData("1 = \"a\"")]
    [InlineData("5 between \"a\" and \"z\"")]
    [InlineData("5 in [\"a\"..\"z\"]")]
    [InlineData("5 in (< \"m\")")]
    public void Comparison_OfIncompatibleTypes_LeavesAWarning(string expression)
    {
        var ev = new FeelEvaluation();
        Eval(expression, ev: ev).ShouldBeNull();
        ev.Warnings.ShouldHaveSingleItem().ShouldStartWith("cannot compare");
    }

    [Fact]
    public void Comparison_WithNull_IsNull_WithoutAWarning()
    {
        var ev = new FeelEvaluation();
        Eval("null < 5", ev: ev).ShouldBeNull();
        ev.Warnings.ShouldBeEmpty();
    }

    [Fact]
    public void UnaryTests_OnAValueOfAnotherKind_AreNotTrue_AndWarnOnce()
    {
        var ev = new FeelEvaluation();
        var engine = new FeelEngine();
        foreach (var cell in new[] { "< 10", ">= 10", "[1..5]", "5", "\"a\"" })
            engine.CompileUnaryTests(cell).Test(cell == "\"a\"" ? 3m : "text", null, ev).ShouldNotBe(true);
        ev.Warnings.ShouldBe(["cannot compare string with number", "cannot compare number with string"]);
    }

    [Fact]
    public void And_IsTernary_FalseWinsOverNull() => Eval("false and null").ShouldBe(false);

    [Fact]
    public void Name_WithSpaces_IsOneVariable() =>
        Eval("Monthly Salary * 12", new() { ["Monthly Salary"] = 1000m }).ShouldBe(12000m);

    [Fact]
    public void Filter_OnContexts_SelectsByEntry() =>
        Eval("count([{a: 1}, {a: 5}, {a: 7}][a > 2])").ShouldBe(2m);

    [Fact]
    public void For_OverARange_CollectsEachValue() =>
        ((IReadOnlyList<object?>)Eval("for i in 1..3 return i * i")!).ShouldBe(new object?[] { 1m, 4m, 9m });

    [Fact]
    public void Some_Satisfies_IsTrueWhenOneItemDoes() => Eval("some x in [1, 5, 9] satisfies x > 8").ShouldBe(true);

    [Fact]
    public void Date_PlusDuration_IsALaterDate() =>
        Eval("date(\"2026-01-31\") + duration(\"P1M\")").ShouldBe(new LocalDate(2026, 2, 28));

    [Fact]
    public void DateTimes_InDifferentZones_CompareByInstant() =>
        Eval("date and time(\"2026-06-01T12:00:00@Europe/Berlin\") = date and time(\"2026-06-01T10:00:00Z\")").ShouldBe(true);

    [Fact]
    public void FunctionDefinition_CanBeInvokedWithNamedArguments() =>
        Eval("{f: function(a, b) a - b, r: f(b: 1, a: 10)}.r").ShouldBe(9m);

    [Fact]
    public void Between_IncludesItsEnds() => Eval("10 between 1 and 10").ShouldBe(true);

    [Fact]
    public void In_WithAnInterval_TestsMembership() => Eval("5 in (1..5]").ShouldBe(true);

    [Fact]
    public void StringFunctions_CountCodePoints() => Eval("string length(\"Straße\")").ShouldBe(6m);

    [Fact]
    public void SyntaxError_NamesTheColumn()
    {
        var e = Should.Throw<FeelSyntaxException>(() => new FeelEngine().CompileExpression("1 + * 2"));
        e.Offset.ShouldBe(4);
        e.Message.ShouldContain("column 5");
    }

    [Fact]
    public void Compile_TheSameText_IsCachedNotParsedAgain()
    {
        var engine = new FeelEngine();
        engine.CompileExpression("a + 1").ShouldBeSameAs(engine.CompileExpression("a + 1"));
    }

    [Fact]
    public void UnaryTests_MatchRangesListsAndNegation()
    {
        var engine = new FeelEngine();
        engine.CompileUnaryTests("[1..10), > 20").Test(5m).ShouldBe(true);
        engine.CompileUnaryTests("[1..10), > 20").Test(15m).ShouldBe(false);
        engine.CompileUnaryTests("not(\"a\", \"b\")").Test("c").ShouldBe(true);
        engine.CompileUnaryTests("-").Test(null).ShouldBe(true);
    }

    [Fact]
    public void Json_RoundTrip_KeepsNumbersAndObjects()
    {
        var json = System.Text.Json.Nodes.JsonNode.Parse("{\"a\": 1.50, \"b\": [true, \"x\"]}");
        FeelJson.ToJson(FeelJson.FromJson(json))!.ToJsonString().ShouldBe("{\"a\":1.5,\"b\":[true,\"x\"]}");
    }
}
