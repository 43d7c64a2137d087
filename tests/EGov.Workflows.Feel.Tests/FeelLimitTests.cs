using EGov.Workflows.Feel;
using EGov.Workflows.Feel.Syntax;

namespace EGov.Workflows.Feel.Tests;

/// <summary>
/// Hostile or careless FEEL must not take a node down (issue 15, the fuzzer's finding): loops have one budget per
/// evaluation, nesting has a depth limit, recursion stops before the stack does. Each limit answers as FEEL answers an
/// error — null with a warning — or, for a text too deep to parse, a syntax error.
/// </summary>
public sealed class FeelLimitTests
{
    private static object? Eval(string text, FeelEvaluation ev) => new FeelEngine().CompileExpression(text).Evaluate(new Dictionary<string, object?>(), ev);

    [Fact]
    public void For_OverAHugeRange_EndsAtTheIterationLimit_WithNullAndAWarning()
    {
        var ev = new FeelEvaluation { IterationLimit = 1000 };
        Eval("for x in 1..999999999999999999999999 return x", ev).ShouldBeNull();
        ev.Warnings.ShouldContain("the loops of this expression walked more than 1,000 items");
    }

    [Fact]
    public void For_OverAHugeRange_WithTheDefaultLimit_IsNull_NotABusyNode()
    {
        var ev = new FeelEvaluation();
        Eval("count(for x in 1..999999999999999999999999 return x)", ev).ShouldBeNull();
        ev.Warnings.ShouldContain(w => w.StartsWith("the loops of this expression walked more than", StringComparison.Ordinal));
    }

    [Fact]
    public void NestedLoops_ShareOneBudget_AndAnOuterLoopEndsWithTheInnerOne()
    {
        Eval("for x in 1..100, y in 1..100 return x * y", new FeelEvaluation { IterationLimit = 5000 }).ShouldBeNull();
        Eval("for x in 1..1000000 return (for y in 1..1000000 return y)", new FeelEvaluation { IterationLimit = 5000 }).ShouldBeNull();
        Eval("count(for x in 1..100, y in 1..100 return x * y)", new FeelEvaluation { IterationLimit = 20_000 }).ShouldBe(10_000m);
    }

    [Theory]
    [InlineData("some x in 1..999999999999 satisfies x < 0", null)]
    [InlineData("every x in 1..999999999999 satisfies x > 0", null)]
    [InlineData("some x in 1..999999999999 satisfies x > 5", true)] // decided before the limit
    [InlineData("every x in 1..999999999999 satisfies x < 5", false)]
    public void Quantifiers_OverAHugeRange_AreDecidedOrNull(string text, bool? expected) =>
        Eval(text, new FeelEvaluation { IterationLimit = 1000 }).ShouldBe(expected);

    /// <summary>The long fuzz run's finding 2 (docs/operations/fuzzing.md): nested iterations over bracketed ranges of 10^10
    /// and more items. The one budget of the evaluation ends them, inner loop included.</summary>
    [Theory]
    [InlineData("for x in for x in [1..117667290080] return date and time(\"2026-12-03T10:00:00@Europe/Berlin\") return \"text\" <= Monthly Salary")]
    [InlineData("every x in every x in (1..18423193245] satisfies duration(\"PT5H\") satisfies not([1..10])")]
    [InlineData("some x in for y in [1..99999999999) return y satisfies x < 0")]
    [InlineData("for x in [1..99999999999], y in (0..99999999999] return x + y")]
    public void NestedLoops_OverBracketedHugeRanges_EndAtTheIterationLimit(string text)
    {
        var ev = new FeelEvaluation();
        Eval(text, ev).ShouldBeNull();
        ev.Warnings.ShouldContain(w => w.StartsWith("the loops of this expression walked more than", StringComparison.Ordinal));
    }

    [Fact]
    public void Partial_IsTheResultsSoFar()
    {
        var result = Eval("for i in 1..5 return if i = 1 then 1 else partial[-1] * i", new FeelEvaluation()).ShouldBeOfType<object?[]>();
        result.ShouldBe(new object?[] { 1m, 2m, 6m, 24m, 120m });
    }

    [Theory]
    [InlineData("(", ")")]
    [InlineData("[", "]")]
    [InlineData("{a: ", "}")]
    [InlineData("abs(", ")")]
    [InlineData("if true then ", " else 0")]
    [InlineData("- ", "")]
    public void Nesting_ThousandsDeep_IsASyntaxError_NotAStackOverflow(string open, string close)
    {
        var text = string.Concat(Enumerable.Repeat(open, 5000)) + "1" + string.Concat(Enumerable.Repeat(close, 5000));
        Should.Throw<FeelSyntaxException>(() => new FeelEngine().CompileExpression(text)).Reason.ShouldContain("nested more than");
        Should.Throw<FeelSyntaxException>(() => new FeelEngine().CompileUnaryTests(text)).Reason.ShouldContain("nested more than");
    }

    [Fact]
    public void AChain_ThousandsLong_IsASyntaxError_NotAStackOverflow()
    {
        var text = "1" + string.Concat(Enumerable.Repeat(" + 1", 5000));
        Should.Throw<FeelSyntaxException>(() => new FeelEngine().CompileExpression(text)).Reason.ShouldContain("nested more than 1000 levels");
        new FeelEngine().CompileExpression("1" + string.Concat(Enumerable.Repeat(" + 1", 500))).Evaluate(new Dictionary<string, object?>()).ShouldBe(501m);
    }

    [Fact]
    public void Recursion_WithoutEnd_IsNullWithAWarning()
    {
        var ev = new FeelEvaluation();
        Eval("{f: function(n) f(n + 1), r: f(1)}.r", ev).ShouldBeNull();
        ev.Warnings.ShouldContain("functions call each other too deeply");
    }

    /// <summary>The fuzzer's first finding (scripts/fuzz.sh --only Feel, 2026-12-04): the walk never ended (the condition is never true or false).</summary>
    [Fact]
    public void FuzzFinding_EveryOverAHugeRangeWithANullCondition_IsNull()
    {
        var ev = new FeelEvaluation { IterationLimit = 10_000 };
        Eval("every x in 99999..9999999999999999999 satisfies null", ev).ShouldBeNull();
        ev.Warnings.ShouldContain("the loops of this expression walked more than 10,000 items");
    }

    /// <summary>The fuzzer's second finding: an index past int's range threw an OverflowException out of the evaluation.</summary>
    [Theory]
    [InlineData("[1, 2, 3][999999999999999999999999]")]
    [InlineData("[1, 2, 3][-999999999999999999999999]")]
    [InlineData("999999999999999999999999[999999999999999999999999]")]
    public void FuzzFinding_AHugeIndex_IsNullWithAWarning(string text)
    {
        var ev = new FeelEvaluation();
        Eval(text, ev).ShouldBeNull();
        ev.Warnings.ShouldContain(w => w.Contains("is outside the list", StringComparison.Ordinal));
    }

    /// <summary>The fuzzer's third finding: a name starting with a letter number ('Ⅾ', U+216E) made the lexer add empty names until memory ran out.</summary>
    [Theory]
    [InlineData("Ⅾthen")]
    [InlineData("if true Ⅾthen 1 else 2")]
    [InlineData("Ⅻ + 1")]
    public void FuzzFinding_ALetterNumber_StartsANameOfItsOwn(string text)
    {
        var ev = new FeelEvaluation();
        try { new FeelEngine().CompileExpression(text).Evaluate(new Dictionary<string, object?>(), ev); }
        catch (FeelSyntaxException) { }
        new FeelEngine().CompileExpression("Ⅾ").Evaluate(new Dictionary<string, object?> { ["Ⅾ"] = 500m }).ShouldBe(500m);
    }
    /// <summary>
    /// The fuzzer's fourth finding: in "a = = = … b" each "=" after the first starts a unary comparison whose endpoint was
    /// compiled twice (once as the range it means in an expression, once as the test it means with an input value), so a
    /// chain of n took 2^n steps: 20 took seconds, 250 never ended and the DMN reader hung. Compiled once, 500 is instant;
    /// the generous wait only keeps a regression from hanging the test run.
    /// </summary>
    [Fact]
    public async Task FuzzFinding_AChainOfEqualsSigns_CompilesInLinearTime()
    {
        var text = "min(1, a * b.m" + string.Concat(Enumerable.Repeat("=", 500)) + "ittag + c)";
        var compiled = Task.Run(() =>
        {
            var engine = new FeelEngine();
            engine.CompileUnaryTests(text);
            return engine.CompileExpression(text);
        });
        var expression = await compiled.WaitAsync(TimeSpan.FromSeconds(60));
        var ev = new FeelEvaluation();
        expression.Evaluate(new Dictionary<string, object?> { ["a"] = 1m, ["b"] = null, ["c"] = 2m }, ev);
    }
}
