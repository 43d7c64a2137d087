using EGov.Workflows.Feel;
using EGov.Workflows.Feel.Compiling;
using EGov.Workflows.Feel.Syntax;
using NodaTime;

namespace EGov.Workflows.Feel.Tests;

/// <summary>
/// Decision table cells of constants (<c>"A"</c>, <c>&gt;= 1000</c>, <c>[18..65)</c>) take compiled fast paths; each must
/// answer exactly as FEEL's general rule does (DMN 1.5 §10.3.2.9), for values of every kind, null included.
/// </summary>
public sealed class UnaryTestFastPathTests
{
    private static readonly object?[] Values =
    [
        null, 0m, 5m, 10m, 17.5m, 18m, 64.99m, 65m, 1000m, -3m, "A", "B", "a", "m", "z", "", true, false,
        new LocalDate(2026, 1, 1), Duration.FromDays(1), new object?[] { 5m }, EGov.Workflows.Feel.Values.FeelContext.From([new("a", 1m)]),
    ];

    public static TheoryData<string> Cells() =>
    [
        "5", "-3", "\"A\"", "true", "false", "null",
        "< 10", "<= 10", "> 10", ">= 1000", "= 5", "!= 5", "< -3", ">= -3",
        "< \"m\"", "<= \"m\"", "> \"m\"", ">= \"m\"", "= \"A\"", "!= \"A\"",
        "[18..65)", "(18..65]", "[0..10]", "]0..10[", "[\"a\"..\"m\"]", "[-3..5]",
        "\"A\",\"B\"", "not(\"A\",\"B\")", "1, 5, [18..65)", "not(< 10)", "-",
        "[10..5]", "[1..\"a\"]", "[null..5]",
    ];

    [Theory]
    [MemberData(nameof(Cells))]
    public void FastPath_AnswersAsTheGeneralRule(string cell)
    {
        var fast = new FeelEngine().CompileUnaryTests(cell);
        foreach (var value in Values)
        {
            var general = General(cell, value);
            fast.Test(value).ShouldBe(general, $"{cell} for {value ?? "null"}");
        }
    }

    [Fact]
    public void InvalidInterval_StillWarns()
    {
        var ev = new FeelEvaluation();
        new FeelEngine().CompileUnaryTests("[10..5]").Test(7m, null, ev).ShouldBe(false);
        ev.Warnings.ShouldContain("a range whose start lies after its end");
    }

    /// <summary>The same cell written so that no fast path applies: each test of the list as <c>? op (x)</c> or <c>? in (x)</c>.</summary>
    private static bool? General(string cell, object? value)
    {
        var node = new Parser(cell, []).ParseUnaryTests();
        if (node.Any) return true;
        bool? any = false;
        foreach (var test in node.Tests)
        {
            var text = cell.Substring(test.Offset, Length(cell, test.Offset));
            var r = test switch
            {
                UnaryComparisonNode u => Eval($"? {u.Operator} ({text.TrimStart()[u.Operator.Length..]})", value),
                LiteralNode or NegateNode => Eval($"? = ({text})", value) is bool b ? b : false,
                // The interval built at run time (no constant path), then tested as a value: ? in r.
                _ => Eval("? in r", value, new FeelEngine().CompileExpression(text).Evaluate(new Dictionary<string, object?>())),
            };
            if (r == true) { any = true; break; }
            if (r is null) any = null;
        }
        return node.Negated ? any is bool x ? !x : null : any;
    }

    private static bool? Eval(string expression, object? value, object? r = null) =>
        (bool?)new FeelEngine().CompileExpression(expression).Evaluate(Scope.Root(new FeelEvaluation(), new Dictionary<string, object?> { ["r"] = r }).WithInput(value));

    /// <summary>The length of one test in the list: up to the next top-level comma or the closing parenthesis of not(…).</summary>
    private static int Length(string text, int start)
    {
        if (text[start] is '[' or ']' or '(' && text.IndexOf("..", start, StringComparison.Ordinal) is var dots and > 0)
        {
            // An interval: up to the bracket that closes it, after the dots.
            var close = text.IndexOfAny([']', '[', ')'], dots);
            return close - start + 1;
        }
        var depth = 0;
        var inString = false;
        for (var i = start; i < text.Length; i++)
        {
            var c = text[i];
            if (inString) { if (c == '"') inString = false; continue; }
            switch (c)
            {
                case '"': inString = true; break;
                case '(' or '[': depth++; break;
                case ')' or ']' when depth == 0: return i - start;
                case ')' or ']': depth--; break;
                case ',' when depth == 0: return i - start;
            }
        }
        return text.Length - start;
    }
}
