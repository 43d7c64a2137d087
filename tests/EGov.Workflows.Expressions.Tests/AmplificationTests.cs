namespace EGov.Workflows.Expressions.Tests;

/// <summary>
/// The catalogue of amplification attacks (issue 20, item 4): one built-in call that turns a small string or array
/// into gigabytes. Each is refused before it allocates (or at the replacer call that crosses the limit), so the
/// process's memory stays near the 32 MB limit; and what legitimate scripts do with these built-ins still works.
/// </summary>
public class AmplificationTests
{
    // Generous time and statement limits: the memory limit must be what stops each of these.
    private static readonly SandboxLimits Patient = new() { Timeout = TimeSpan.FromSeconds(30), MaxStatements = int.MaxValue };

    private static ScriptException Fails(string script) =>
        Should.Throw<ScriptException>(() => new ExpressionEvaluator(Patient).RunScript(script, new FakeExecution()));

    [Theory]
    [InlineData("'x'.repeat(1e6).replaceAll('x', 'y'.repeat(1070))", "replaceAll")]
    [InlineData("'x'.repeat(1e6).replace(/x/g, 'y'.repeat(1070))", "replace")]
    [InlineData("'x'.repeat(1e5).replaceAll('', 'y'.repeat(1000))", "replaceAll")]
    [InlineData("'x'.repeat(1e6).replace(/x/g, '$&$&$&$&$&$&$&$&$&$&$&$&$&$&$&$&$&$&')", "replace")]
    [InlineData("'ab'.repeat(5e5).replace(/a/, '$`$`$`$`$`$`$`$`$`$`$`$`$`$`$`$`$`$`$`$`')", "replace")]
    [InlineData("var big = 'y'.repeat(1e6); 'x'.repeat(1e5).replace(/x/g, function () { return big; })", "replace")]
    [InlineData("var big = 'y'.repeat(1e6); 'x'.repeat(1e5).replaceAll('x', () => big)", "replaceAll")]
    [InlineData("var s = 'y'.repeat(1e6); var a = []; for (var i = 0; i < 2000; i++) a.push(s); ''.concat.apply('', a)", "concat")]
    [InlineData("var s = 'y'.repeat(1e6); var a = []; for (var i = 0; i < 2000; i++) a.push(s); ''.concat(...a)", "concat")]
    [InlineData("var s = 'y'.repeat(1e6); var a = []; for (var i = 0; i < 2000; i++) a.push(s); JSON.stringify(a)", "stringify")]
    [InlineData("var x = ['y'.repeat(1000)]; for (var i = 0; i < 30; i++) x = [x, x]; JSON.stringify(x)", "stringify")]
    [InlineData("var o = {v: 'y'.repeat(1000)}; for (var i = 0; i < 30; i++) o = {a: o, b: o}; JSON.stringify(o, null, 10)", "stringify")]
    [InlineData("var x = ['y'.repeat(1000)]; for (var i = 0; i < 30; i++) x = [x, x]; x.join('-')", "join")]
    [InlineData("var x = ['y'.repeat(1000)]; for (var i = 0; i < 30; i++) x = [x, x]; String(x)", "join")]
    public void OneCallAmplification_IsRefusedBeforeItAllocates(string script, string builtIn)
    {
        var before = GC.GetTotalAllocatedBytes(precise: false);
        Fails(script).Message.ShouldContain("exceeded its memory limit of 32 MB");
        // Everything the script did, the refused call included, allocated far less than one gigabyte.
        (GC.GetTotalAllocatedBytes(precise: false) - before).ShouldBeLessThan(1L << 30, builtIn);
    }

    [Theory]
    [InlineData("'Antrag vom 1.3.'.replace('1.3.', '2.3.')", "Antrag vom 2.3.")]
    [InlineData("'a-b-c'.replaceAll('-', ' / ')", "a / b / c")]
    [InlineData("'Hallo Welt'.replace(/(\\w+) (\\w+)/, '$2 $1')", "Welt Hallo")]
    [InlineData("'x1y2'.replace(/\\d/g, d => d * 2)", "x2y4")]
    [InlineData("'Akten'.concat('zeichen', ' ', 42)", "Aktenzeichen 42")]
    [InlineData("JSON.stringify({aktenzeichen: 'AZ-1', betrag: 30.5, tags: ['a', 'b']})", "{\"aktenzeichen\":\"AZ-1\",\"betrag\":30.5,\"tags\":[\"a\",\"b\"]}")]
    [InlineData("JSON.stringify({a: 1}, null, 2)", "{\n  \"a\": 1\n}")]
    public void OrdinaryUse_StillWorks(string script, string expected) =>
        new ExpressionEvaluator().RunScript(script, new FakeExecution())!.GetValue<string>().ShouldBe(expected);
}
