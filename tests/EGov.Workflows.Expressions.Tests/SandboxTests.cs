namespace EGov.Workflows.Expressions.Tests;

/// <summary>Whatever a script does, it ends as a ScriptException with a message fit for an incident — never a hang, crash or escape.</summary>
public class SandboxTests
{
    private static ScriptException Fails(string script, SandboxLimits? limits = null) =>
        Should.Throw<ScriptException>(() => new ExpressionEvaluator(limits).RunScript(script, new FakeExecution()));

    [Fact]
    public void Script_InfiniteLoop_IsStoppedWithClearMessage() =>
        Fails("while(true){}", new SandboxLimits { Timeout = TimeSpan.FromMilliseconds(300), MaxStatements = int.MaxValue })
            .Message.ShouldBe("script exceeded its time limit of 300ms");

    [Fact]
    public void Script_InfiniteLoop_WithDefaultLimits_HitsTheStatementLimit() =>
        Fails("while(true){}").Message.ShouldBe("script exceeded its limit of 100000 statements");

    [Fact]
    public void Script_MemoryBomb_IsStoppedAtTheMemoryLimit() =>
        Fails("var a=[];while(true)a.push('x'.repeat(1e6))", new SandboxLimits { Timeout = TimeSpan.FromSeconds(60), MaxStatements = int.MaxValue })
            .Message.ShouldStartWith("script exceeded its memory limit of 32 MB");

    [Theory]
    [InlineData("'x'.repeat(5e8)", "repeat", 500_000_000)]
    [InlineData("'ab'.padStart(1e9)", "padStart", 1_000_000_000)]
    [InlineData("'ab'.padEnd(1e9)", "padEnd", 1_000_000_000)]
    [InlineData("var a=[]; a.length=1e6; a.join('x'.repeat(100))", "join", 99_999_900)]
    public void Script_SingleHugeString_IsRefusedBeforeItIsBuilt(string script, string builtIn, long characters) =>
        Fails(script).Message.ShouldBe($"script exceeded its memory limit of 32 MB ({builtIn} would build a string of {characters} characters)");

    [Fact]
    public void Script_HugeArray_IsRefused() =>
        Fails("var a = new Array(2e6).fill(0); a.length").Message.ShouldNotBeNullOrWhiteSpace();

    [Fact]
    public void Script_DeepRecursion_IsStoppedAtTheRecursionLimit() =>
        Fails("function f(n){ return f(n+1); } f(0)").Message.ShouldBe("script exceeded its recursion depth limit of 64 (calling f)");

    [Fact]
    public void Script_DeeplyNestedValue_InBuiltInRecursion_DoesNotCrashTheProcess() =>
        Fails("var o={}; for (var i=0;i<100000;i++) o={n:o}; JSON.stringify(o).length",
                new SandboxLimits { Timeout = TimeSpan.FromSeconds(60), MaxStatements = int.MaxValue })
            .Message.ShouldBe("RangeError: Maximum call stack size exceeded");

    [Fact]
    public void Script_DeeplyNestedSource_IsRejectedWhenParsing() =>
        Fails(new string('[', 30_000) + new string(']', 30_000)).Message.ShouldBe("SyntaxError: script is nested too deeply to parse");

    [Fact]
    public void Script_SourceOverTheCap_IsRejectedBeforeParsing()
    {
        var evaluator = new ExpressionEvaluator(new SandboxLimits { MaxSourceLength = 100 });
        Should.Throw<ScriptException>(() => evaluator.RunScript(new string(' ', 101) + "1", new FakeExecution()))
            .Message.ShouldBe("script is 102 characters long, more than the limit of 100");
        Should.Throw<ScriptException>(() => evaluator.Evaluate("${" + new string('1', 200) + "}", new FakeExecution()))
            .Message.ShouldBe("expression is 203 characters long, more than the limit of 100");
        evaluator.ParseCount.ShouldBe(0);
    }

    [Fact]
    public void Script_CatastrophicRegex_IsStoppedByTheTimeLimit() =>
        Fails("/(a+)+$/.test('aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!')", new SandboxLimits { Timeout = TimeSpan.FromMilliseconds(500) })
            .Message.ShouldBe("script exceeded its time limit of 500ms");

    [Theory]
    [InlineData("System.IO.File.ReadAllText('/etc/passwd')", "ReferenceError: System is not defined")]
    [InlineData("importNamespace('System.IO')", "ReferenceError: importNamespace is not defined")]
    [InlineData("require('fs')", "ReferenceError: require is not defined")]
    [InlineData("fetch('https://example.org')", "ReferenceError: fetch is not defined")]
    [InlineData("process.env.HOME", "ReferenceError: process is not defined")]
    [InlineData("XMLHttpRequest", "ReferenceError: XMLHttpRequest is not defined")]
    [InlineData("setTimeout(function(){}, 1)", "ReferenceError: setTimeout is not defined")]
    [InlineData("eval('1+1')", "TypeError: String compilation has been disabled in engine options")]
    [InlineData("Function('return this')()", "TypeError: String compilation has been disabled in engine options")]
    [InlineData("this.constructor.constructor('return process')()", "TypeError: String compilation has been disabled in engine options")]
    public void Script_ReachingOutsideTheSandbox_Fails(string script, string message) =>
        Fails(script).Message.ShouldBe(message);

    [Fact]
    public void Script_DynamicImport_Fails() =>
        Fails("import('fs')").Message.ShouldContain("Module loading has been disabled");

    [Fact]
    public void Script_ExecutionObject_ExposesNoDotNetMembers() =>
        new ExpressionEvaluator().RunScript(
                "[typeof execution.GetType, typeof execution.SetVariable, typeof execution.ProcessInstanceId, Object.keys(execution).length]",
                new FakeExecution())!
            .ToJsonString().ShouldBe("""["undefined","undefined","undefined",16]""");

    [Theory]
    [InlineData("throw new Error('Antrag unvollständig')", "Error: Antrag unvollständig")]
    [InlineData("throw new TypeError('Gebühr fehlt')", "TypeError: Gebühr fehlt")]
    [InlineData("throw 'kaputt'", "Uncaught 'kaputt'")]
    [InlineData("throw 42", "Uncaught 42")]
    [InlineData("throw {message: 'ohne Namen'}", "Error: ohne Namen")]
    [InlineData("null.x", "TypeError: Cannot read properties of null (reading 'x')")]
    [InlineData("var x = ;", "SyntaxError: Unexpected token ';' (<anonymous>:1:9)")]
    public void Script_Throwing_FailsWithTheScriptsMessage(string script, string message) =>
        Fails(script).Message.ShouldBe(message);

    [Fact]
    public void Limits_ZeroStatements_AreRefused() =>
        Should.Throw<ArgumentOutOfRangeException>(() => new ExpressionEvaluator(new SandboxLimits { MaxStatements = 0 }));
}

public class SandboxGuardSelectionTests
{
    [Theory]
    [InlineData("amount > 100", true)]
    [InlineData("x == 'a' && y", true)]
    [InlineData("!approved || antrag.betrag >= 100", true)]
    [InlineData("a ? b : c", true)]
    [InlineData("a?.b", true)]
    [InlineData("s.repeat(1e9)", false)]
    [InlineData("[a, a]", false)]
    [InlineData("({a: 1})", false)]
    [InlineData("`${a}`", false)]
    [InlineData("a = b", false)]
    [InlineData("while (true) {}", false)]
    [InlineData("new Array(5)", false)]
    public void SimpleExpressions_NeedNoSizeGuards(string source, bool simple) =>
        ScriptCache.IsSimpleExpression(Jint.Engine.PrepareScript(source).Program!).ShouldBe(simple);

    [Theory]
    [InlineData("amount > 100", false)]
    [InlineData("typeof a.b", false)]
    [InlineData("delete a.b", true)]
    [InlineData("!(delete Object.prototype.x)", true)]
    public void Deletes_FindsTheDeleteOperator(string source, bool deletes) =>
        ScriptCache.Deletes(Jint.Engine.PrepareScript(source).Program!).ShouldBe(deletes);

    [Fact]
    public void Script_NestedArraysJoinedImplicitly_AreRefused() =>
        Should.Throw<ScriptException>(() => new ExpressionEvaluator().RunScript("var a=['xxxxxxxx']; for (var i=0;i<40;i++) a=[a,a]; '' + a", new FakeExecution()))
            .Message.ShouldStartWith("script exceeded its memory limit of 32 MB (join would build a string of");
}
