using System.Text.Json.Nodes;

namespace EGov.Workflows.Expressions.Tests;

public class CacheAndIsolationTests
{
    [Fact]
    public void Cache_SameSource_IsParsedOnce()
    {
        var evaluator = new ExpressionEvaluator();
        for (var i = 0; i < 5; i++)
            evaluator.EvaluateCondition("${amount > 100}", new FakeExecution(("amount", i * 50))).ShouldBe(i * 50 > 100);
        evaluator.ParseCount.ShouldBe(1);
        evaluator.CachedCount.ShouldBe(1);
    }

    [Fact]
    public void Cache_ExpressionAndScriptWithTheSameText_AreParsedSeparately()
    {
        var evaluator = new ExpressionEvaluator();
        evaluator.Evaluate("1 + 1", new FakeExecution());
        evaluator.RunScript("1 + 1", new FakeExecution());
        evaluator.RunScript("1 + 1", new FakeExecution());
        evaluator.ParseCount.ShouldBe(2);
    }

    [Fact]
    public void Cache_IsBounded()
    {
        var evaluator = new ExpressionEvaluator(null, cacheCapacity: 3);
        for (var i = 0; i < 10; i++)
            evaluator.Evaluate($"{i} + 1", new FakeExecution());
        evaluator.CachedCount.ShouldBeLessThanOrEqualTo(3);
        evaluator.ParseCount.ShouldBe(10);
    }

    [Fact]
    public void Cache_SyntaxError_IsReportedEveryTime()
    {
        var evaluator = new ExpressionEvaluator();
        for (var i = 0; i < 2; i++)
            Should.Throw<ScriptException>(() => evaluator.Evaluate("${a +}", new FakeExecution())).Message.ShouldStartWith("SyntaxError:");
    }

    [Fact]
    public void Isolation_OneEvaluation_CannotSeeAnothersGlobals()
    {
        var evaluator = new ExpressionEvaluator();
        evaluator.RunScript(
            "globalThis.leak = 'geheim'; var declared = 1; Object.prototype.polluted = 'ja'; Array.prototype.push = null; Math.max = function(){ return -1; }; JSON.parse = null;",
            new FakeExecution());
        evaluator.RunScript(
                "[typeof leak, typeof declared, ({}).polluted, typeof [].push, Math.max(1, 2), typeof JSON.parse]",
                new FakeExecution())!
            .ToJsonString().ShouldBe("""["undefined","undefined",null,"function",2,"function"]""");
    }

    [Fact]
    public void Isolation_VariablesOfOneEvaluation_AreNotSeenByTheNext()
    {
        var evaluator = new ExpressionEvaluator();
        evaluator.EvaluateCondition("${secret == 'x'}", new FakeExecution(("secret", "x"))).ShouldBeTrue();
        Should.Throw<ScriptException>(() => evaluator.EvaluateCondition("${secret == 'x'}", new FakeExecution()))
            .Message.ShouldBe("ReferenceError: secret is not defined");
    }

    [Fact]
    public void Isolation_ManyThreadsAtOnce_EachSeeOnlyTheirOwnVariables()
    {
        var evaluator = new ExpressionEvaluator();
        var failures = 0;
        Parallel.For(0, 2000, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i =>
        {
            var execution = new FakeExecution(("n", i));
            var result = evaluator.RunScript("var twice = n * 2; globalThis.last = n; execution.setVariable('seen', last); twice", execution);
            if (result!.GetValue<long>() != i * 2 || execution.Instance["seen"]!.GetValue<long>() != i)
                Interlocked.Increment(ref failures);
        });
        failures.ShouldBe(0);
        evaluator.ParseCount.ShouldBeLessThanOrEqualTo(8); // parsed once, or once per racing thread at most
    }

    [Fact]
    public void Variables_AreCopies_TheCallersNodesAreNeverChanged()
    {
        var antrag = JsonNode.Parse("""{"status":"neu"}""");
        var execution = new FakeExecution(("antrag", antrag));
        new ExpressionEvaluator().RunScript("antrag.status = 'weg'; delete antrag.status; 1", execution);
        antrag!.ToJsonString().ShouldBe("""{"status":"neu"}""");
    }
}
