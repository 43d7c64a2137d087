using System.Text.Json.Nodes;

namespace EGov.Workflows.Expressions.Tests;

/// <summary>
/// Read-only expressions run on pooled engines. Whatever ran on an engine before, an evaluation sees only its own
/// variables and the untouched built-ins, and every limit counts that evaluation alone.
/// </summary>
public class EngineReuseTests
{
    [Fact]
    public void ReadOnlyConditions_ShareOneEngine_WhenEvaluatedOneAfterAnother()
    {
        var evaluator = new ExpressionEvaluator();
        for (var i = 0; i < 100; i++)
            evaluator.EvaluateCondition("${amount > 100 && route != 'b'}", new FakeExecution(("amount", i * 3), ("route", "a"))).ShouldBe(i * 3 > 100);
        evaluator.PooledEnginesCreated.ShouldBe(1);
    }

    [Fact]
    public void ScriptsWithStatements_AndExpressionsThatCallOrDelete_NeverUseThePool()
    {
        var evaluator = new ExpressionEvaluator();
        evaluator.RunScript("var x = amount; x > 100", new FakeExecution(("amount", 1)));
        evaluator.Evaluate("${Math.max(amount, 1)}", new FakeExecution(("amount", 1)));
        evaluator.Evaluate("${delete amount.x}", new FakeExecution(("amount", JsonNode.Parse("{}"))));
        evaluator.PooledEnginesCreated.ShouldBe(0);
    }

    [Fact]
    public void Reuse_AVariableThatHidAHostFunction_LeavesTheFunctionForTheNext()
    {
        var evaluator = new ExpressionEvaluator { Functions = new Dictionary<string, Func<JsonNode?[], JsonNode?>> { ["frist"] = _ => "2026-12-31" } };
        evaluator.Evaluate("${frist}", new FakeExecution(("frist", 3)))!.GetValue<long>().ShouldBe(3);
        evaluator.Evaluate("${typeof frist}", new FakeExecution())!.GetValue<string>().ShouldBe("function");
    }

    [Fact]
    public void Reuse_AVariableOfOneEvaluation_IsNotBoundInTheNext()
    {
        var evaluator = new ExpressionEvaluator();
        evaluator.EvaluateCondition("${secret == 'x'}", new FakeExecution(("secret", "x"))).ShouldBeTrue();
        evaluator.Evaluate("${typeof secret}", new FakeExecution())!.GetValue<string>().ShouldBe("undefined");
        evaluator.Evaluate("${typeof execution}", new FakeExecution())!.GetValue<string>().ShouldBe("object");
        evaluator.PooledEnginesCreated.ShouldBe(1);
    }

    [Fact]
    public void Reuse_GlobalsAndPrototypeChangesOfAScript_DoNotReachLaterExpressions()
    {
        var evaluator = new ExpressionEvaluator();
        var vars = new FakeExecution(("list", JsonNode.Parse("[1]")), ("obj", JsonNode.Parse("{}")), ("n", 1));
        evaluator.Evaluate("${typeof list.push}", vars)!.GetValue<string>().ShouldBe("function"); // the pooled engine exists now
        evaluator.RunScript(
            "globalThis.leak = 'geheim'; var declared = 1; Object.prototype.x = 1; Array.prototype.push = null; Math.max = null; 1",
            vars);
        evaluator.Evaluate("${typeof leak + ' ' + typeof declared + ' ' + obj.x + ' ' + n.x + ' ' + typeof list.push + ' ' + typeof Math.max}", vars)!
            .GetValue<string>().ShouldBe("undefined undefined undefined undefined function function");
    }

    [Fact]
    public void Reuse_ADeleteInAnExpression_DoesNotReachLaterExpressions()
    {
        var evaluator = new ExpressionEvaluator();
        var vars = new FakeExecution(("obj", JsonNode.Parse("{}")));
        evaluator.Evaluate("${typeof obj.hasOwnProperty}", vars)!.GetValue<string>().ShouldBe("function");
        evaluator.Evaluate("${delete Object.prototype.hasOwnProperty}", vars)!.GetValue<bool>().ShouldBeTrue();
        evaluator.Evaluate("${typeof obj.hasOwnProperty}", vars)!.GetValue<string>().ShouldBe("function");
    }

    [Fact]
    public void Reuse_AFailedEvaluation_LeavesNothingBehind()
    {
        var evaluator = new ExpressionEvaluator();
        Should.Throw<ScriptException>(() => evaluator.EvaluateCondition("${known == 1 && unknown == 2}", new FakeExecution(("known", 1))))
            .Message.ShouldBe("ReferenceError: unknown is not defined");
        evaluator.Evaluate("${typeof known}", new FakeExecution())!.GetValue<string>().ShouldBe("undefined");
    }

    [Fact]
    public void Reuse_TheStatementLimit_CountsEachEvaluationAlone()
    {
        var evaluator = new ExpressionEvaluator(new SandboxLimits { MaxStatements = 2 });
        for (var i = 0; i < 50; i++)
            evaluator.EvaluateCondition("${n >= 0}", new FakeExecution(("n", i))).ShouldBeTrue();
        evaluator.PooledEnginesCreated.ShouldBe(1);
        Should.Throw<ScriptException>(() => evaluator.RunScript("var i = 0; while (true) { i++; }", new FakeExecution()))
            .Message.ShouldBe("script exceeded its limit of 2 statements");
    }

    [Fact]
    public void Reuse_TheTimeLimit_CountsEachEvaluationAlone()
    {
        var evaluator = new ExpressionEvaluator(new SandboxLimits { Timeout = TimeSpan.FromMilliseconds(50), MaxStatements = int.MaxValue });
        var until = DateTime.UtcNow.AddMilliseconds(250);
        while (DateTime.UtcNow < until)
            evaluator.EvaluateCondition("${n == 1}", new FakeExecution(("n", 1))).ShouldBeTrue();
        evaluator.PooledEnginesCreated.ShouldBe(1);
        Should.Throw<ScriptException>(() => evaluator.RunScript("while (true) {}", new FakeExecution()))
            .Message.ShouldBe("script exceeded its time limit of 50ms");
    }

    [Fact]
    public void Reuse_ManyThreadsAtOnce_EachSeeOnlyTheirOwnVariables()
    {
        var evaluator = new ExpressionEvaluator();
        var failures = 0;
        Parallel.For(0, 4000, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i =>
        {
            var vars = i % 2 == 0 ? new FakeExecution(("n", i), ("even", true)) : new FakeExecution(("n", i));
            var value = evaluator.Evaluate("${n * 2 + (typeof even === 'undefined' ? 1 : 0)}", vars)!.GetValue<long>();
            if (value != i * 2 + (i % 2))
                Interlocked.Increment(ref failures);
        });
        failures.ShouldBe(0);
    }
}
