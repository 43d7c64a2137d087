using System.Text.Json.Nodes;

namespace EGov.Workflows.Expressions.Tests;

public class SmokeTests
{
    private readonly ExpressionEvaluator _evaluator = new();

    [Fact]
    public void Condition_WrappedInDollarBraces_SeesVariablesByName() =>
        _evaluator.EvaluateCondition("${amount > 100}", Scope.Of("""{"amount": 150}""")).ShouldBeTrue();

    [Fact]
    public void Script_SetVariable_StoresOnExecution()
    {
        var execution = FakeExecution.With("""{"fee": 12.50}""");
        var result = _evaluator.RunScript("execution.setVariable('total', fee * 2); 'ok'", execution);
        result!.GetValue<string>().ShouldBe("ok");
        execution.Instance["total"]!.GetValue<long>().ShouldBe(25);
    }

    [Fact]
    public void Expression_UnknownVariable_IsReferenceError() =>
        Should.Throw<ScriptException>(() => _evaluator.Evaluate("${foo}", Scope.Of("{}")))
            .Message.ShouldBe("ReferenceError: foo is not defined");

    [Fact]
    public void Script_InfiniteLoop_IsStoppedWithClearMessage() =>
        Should.Throw<ScriptException>(() => new ExpressionEvaluator(new SandboxLimits { Timeout = TimeSpan.FromMilliseconds(200), MaxStatements = int.MaxValue })
                .RunScript("while(true){}", new FakeExecution()))
            .Message.ShouldBe("script exceeded its time limit of 200ms");

    [Fact]
    public void Juel_Operators() =>
        _evaluator.EvaluateCondition("${not approved and amount gt 10 or empty list}", Scope.Of("""{"approved": false, "amount": 11, "list": []}""")).ShouldBeTrue();
}
