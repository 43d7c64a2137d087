using System.Text.Json.Nodes;

namespace EGov.Workflows.Expressions.Tests;

/// <summary>What a script task sees: variables by name and the Camunda-style <c>execution</c> object.</summary>
public class ScriptTests
{
    private readonly ExpressionEvaluator _evaluator = new();

    [Fact]
    public void Script_ReturnsItsCompletionValue() =>
        _evaluator.RunScript("var gebuehr = betrag * 0.1; if (gebuehr < 5) { gebuehr = 5; } gebuehr", FakeExecution.With("""{"betrag": 20}"""))!
            .GetValue<long>().ShouldBe(5);

    [Fact]
    public void Script_SetVariable_UpdatesWhereItExistsElseOnTheInstance()
    {
        var execution = FakeExecution.With("""{"a": 1}""");
        execution.Local["b"] = 2;
        _evaluator.RunScript("execution.setVariable('a', 10); execution.setVariable('b', 20); execution.setVariable('c', 30);", execution);
        execution.Instance["a"]!.GetValue<long>().ShouldBe(10);
        execution.Local["b"]!.GetValue<long>().ShouldBe(20);
        execution.Instance["c"]!.GetValue<long>().ShouldBe(30);
        execution.Instance.ContainsKey("b").ShouldBeFalse();
    }

    [Fact]
    public void Script_SetVariableLocal_WritesTheLocalScope()
    {
        var execution = FakeExecution.With("""{"a": 1}""");
        _evaluator.RunScript("execution.setVariableLocal('a', 'lokal')", execution);
        execution.Local["a"]!.GetValue<string>().ShouldBe("lokal");
        execution.Instance["a"]!.GetValue<long>().ShouldBe(1);
    }

    [Fact]
    public void Script_GetVariableLocal_ReadsOnlyTheLocalScope()
    {
        var execution = FakeExecution.With("""{"a": 1}""");
        execution.Local["b"] = 2;
        _evaluator.RunScript("[execution.getVariableLocal('a'), execution.getVariableLocal('b'), execution.getVariable('a')]", execution)!
            .ToJsonString().ShouldBe("[null,2,1]");
    }

    [Fact]
    public void Script_ExecutionIdentity()
    {
        var execution = new FakeExecution { ProcessInstanceId = "pi-7", BusinessKey = "AZ-1", ActivityId = "Task_Gebuehr" };
        _evaluator.RunScript("[execution.getProcessInstanceId(), execution.getBusinessKey(), execution.getCurrentActivityId()]", execution)!
            .ToJsonString().ShouldBe("""["pi-7","AZ-1","Task_Gebuehr"]""");
        _evaluator.RunScript("execution.getBusinessKey()", new FakeExecution { BusinessKey = null }).ShouldBeNull();
    }

    [Fact]
    public void Expression_ExecutionBeanProperties_AsJuelWritesThem()
    {
        var execution = new FakeExecution { ProcessInstanceId = "pi-7", BusinessKey = "AZ-1", ActivityId = "Task_Gebuehr" };
        _evaluator.Evaluate("${execution.processInstanceId}/${execution.businessKey}/${execution.processBusinessKey}/${execution.currentActivityId}/${execution.activityId}", execution)!
            .GetValue<string>().ShouldBe("pi-7/AZ-1/AZ-1/Task_Gebuehr/Task_Gebuehr");
    }

    [Fact]
    public void Script_ReadingANameAfterSetVariable_SeesTheNewValue()
    {
        var execution = FakeExecution.With("""{"status": "neu"}""");
        _evaluator.RunScript("var vorher = status; execution.setVariable('status', 'geprüft'); vorher + ' → ' + status", execution)!
            .GetValue<string>().ShouldBe("neu → geprüft");
    }

    [Fact]
    public void Script_AssigningToAVariableName_DoesNotStoreIt()
    {
        var execution = FakeExecution.With("""{"amount": 1}""");
        _evaluator.RunScript("amount = 2; amount", execution)!.GetValue<long>().ShouldBe(2);
        execution.Instance["amount"]!.GetValue<long>().ShouldBe(1);
    }

    [Fact]
    public void Script_SetVariableWithObjectsAndNull()
    {
        var execution = new FakeExecution();
        _evaluator.RunScript("execution.setVariable('bescheid', {nr: 'B-1', positionen: [{betrag: 19.99}], zugestellt: null}); execution.setVariable('leer', undefined)", execution);
        execution.Instance["bescheid"]!.ToJsonString().ShouldBe("""{"nr":"B-1","positionen":[{"betrag":19.99}],"zugestellt":null}""");
        execution.Instance["leer"].ShouldBeNull();
    }

    [Fact]
    public void Script_HasVariableAndVariableNames()
    {
        var execution = FakeExecution.With("""{"a": 1, "b": 2}""");
        _evaluator.RunScript("[execution.hasVariable('a'), execution.hasVariable('z'), execution.getVariableNames().sort()]", execution)!
            .ToJsonString().ShouldBe("""[true,false,["a","b"]]""");
    }

    [Fact]
    public void Script_VariableNotAnIdentifier_IsReachableThroughGetVariable()
    {
        var execution = new FakeExecution(("antrag-nr", "A-1"));
        _evaluator.RunScript("execution.getVariable('antrag-nr')", execution)!.GetValue<string>().ShouldBe("A-1");
    }

    [Fact]
    public void Script_GetVariableWithoutName_FailsClearly() =>
        Should.Throw<ScriptException>(() => _evaluator.RunScript("execution.getVariable()", new FakeExecution()))
            .Message.ShouldBe("execution.getVariable needs a variable name (a string) as its first argument");

    [Fact]
    public void Script_FailingHalfway_KeepsWhatItSetBefore()
    {
        // The engine decides whether to keep or roll back; the evaluator reports what happened in order.
        var execution = new FakeExecution();
        Should.Throw<ScriptException>(() => _evaluator.RunScript("execution.setVariable('a', 1); throw new Error('halt')", execution))
            .Message.ShouldBe("Error: halt");
        execution.Instance["a"]!.GetValue<long>().ShouldBe(1);
    }

    [Fact]
    public void Script_CanUseStandardLibrary() =>
        _evaluator.RunScript(
                "var d = new Date('2026-01-05T08:00:00Z'); [JSON.stringify({a: [1]}), Math.max(1, 3), 'Straße'.toUpperCase(), d.toISOString(), [3,1,2].sort().join(',')]",
                new FakeExecution())!
            .ToJsonString(new System.Text.Json.JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping })
            .ShouldBe("""["{\"a\":[1]}",3,"STRASSE","2026-01-05T08:00:00.000Z","1,2,3"]""");
}

public class ScriptScopingTests
{
    private readonly ExpressionEvaluator _evaluator = new();

    [Theory]
    [InlineData("var amount = amount + 1; amount", "151")]
    [InlineData("if (true) { var amount = amount * 2; } amount", "300")]
    [InlineData("function f() { return amount; } f()", "150")]
    [InlineData("let amount = 5; amount", "5")]
    [InlineData("function amount() { return 7; } amount()", "7")]
    public void Script_DeclaringAVariablesName_StillStartsFromItsValue(string script, string json) =>
        _evaluator.RunScript(script, FakeExecution.With("""{"amount": 150}"""))!.ToJsonString().ShouldBe(json);

    [Fact]
    public void DeclaredGlobals_AreTopLevelVarsAndFunctions() =>
        ScriptCache.DeclaredGlobals(Jint.Engine.PrepareScript("var a = 1; for (var i = 0; i < 1; i++) {} function f() { var inner = 1; } let b = 2; const g = () => { var arrowInner; };").Program!)
            .Order().ShouldBe(new[] { "a", "f", "i" });

    [Fact]
    public void Dates_UseUtcByDefault_OrTheConfiguredZone()
    {
        _evaluator.RunScript("new Date(2026, 0, 5, 8, 0, 0)", new FakeExecution())!.GetValue<string>().ShouldBe("2026-01-05T08:00:00.000Z");
        var berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");
        new ExpressionEvaluator(null, ExpressionEvaluator.DefaultCacheCapacity, berlin)
            .RunScript("new Date(2026, 0, 5, 8, 0, 0)", new FakeExecution())!.GetValue<string>().ShouldBe("2026-01-05T07:00:00.000Z");
    }
}

/// <summary>Scripts read the time from the clock the evaluator was given, not from the host.</summary>
public class ScriptClockTests
{
    private static readonly DateTimeOffset VirtualNow = new(2026, 1, 5, 9, 30, 0, TimeSpan.FromHours(1));

    private static ExpressionEvaluator WithClock(Func<DateTimeOffset> clock) => new(null, ExpressionEvaluator.DefaultCacheCapacity, null, clock);

    [Fact]
    public void NewDate_ReturnsTheInjectedClocksTime() =>
        WithClock(() => VirtualNow).RunScript("new Date().toISOString()", new FakeExecution())!.GetValue<string>()
            .ShouldBe("2026-01-05T08:30:00.000Z");

    [Fact]
    public void DateNow_ReturnsTheInjectedClocksMilliseconds() =>
        WithClock(() => VirtualNow).Evaluate("Date.now()", new FakeExecution())!.GetValue<long>()
            .ShouldBe(VirtualNow.ToUnixTimeMilliseconds());

    [Fact]
    public void TheClock_IsReadAtEveryEvaluation()
    {
        var now = VirtualNow;
        var evaluator = WithClock(() => now);
        evaluator.Evaluate("new Date().toISOString()", new FakeExecution())!.GetValue<string>().ShouldBe("2026-01-05T08:30:00.000Z");
        now = now.AddHours(2);
        evaluator.Evaluate("new Date().toISOString()", new FakeExecution())!.GetValue<string>().ShouldBe("2026-01-05T10:30:00.000Z");
    }

    [Fact]
    public void WithoutAClock_NewDate_IsTheHostsTime()
    {
        var before = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var ms = new ExpressionEvaluator().Evaluate("Date.now()", new FakeExecution())!.GetValue<long>();
        ms.ShouldBeInRange(before, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
    }

    [Fact]
    public void LocalTimeMethods_StillUseTheConfiguredZone()
    {
        var berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");
        var evaluator = new ExpressionEvaluator(null, ExpressionEvaluator.DefaultCacheCapacity, berlin, () => VirtualNow);
        evaluator.Evaluate("new Date().getHours()", new FakeExecution())!.GetValue<long>().ShouldBe(9L);
    }
}
