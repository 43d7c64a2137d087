using System.Text.Json.Nodes;

namespace EGov.Workflows.Expressions.Tests;

/// <summary>Java methods that Camunda models call on variables in JUEL work on our JSON variables.</summary>
public class JavaMethodTests
{
    private const string Vars = """
        {"list": [1, 2, 3], "leer": [], "map": {"x": 1, "y": null}, "leereMap": {}, "s": "Hallo", "blank": "", "a": "a", "nix": null,
         "antrag": {"unterlagen": ["A", "B", "C"], "art": "Gewerbe"}}
        """;

    private readonly ExpressionEvaluator _evaluator = new();

    private JsonNode? Eval(string expression) => _evaluator.Evaluate(expression, Scope.Of(Vars));

    private bool Condition(string expression) => _evaluator.EvaluateCondition(expression, Scope.Of(Vars));

    [Theory]
    [InlineData("${list.size()}", 3)]
    [InlineData("${leer.size()}", 0)]
    [InlineData("${map.size()}", 2)]
    [InlineData("${s.size()}", 5)]
    [InlineData("${s.length()}", 5)]
    [InlineData("${list.length()}", 3)]
    [InlineData("${antrag.unterlagen.size()}", 3)]
    [InlineData("${execution.getVariable('list').size()}", 3)]
    [InlineData("${(list).size() + 1}", 4)]
    [InlineData("${list .size ( )}", 3)]
    public void SizeAndLength_CountItemsEntriesAndCharacters(string expression, long expected) =>
        Eval(expression)!.GetValue<long>().ShouldBe(expected);

    [Theory]
    [InlineData("${leer.isEmpty()}", true)]
    [InlineData("${list.isEmpty()}", false)]
    [InlineData("${leereMap.isEmpty()}", true)]
    [InlineData("${map.isEmpty()}", false)]
    [InlineData("${blank.isEmpty()}", true)]
    [InlineData("${not s.isEmpty()}", true)]
    [InlineData("${map.containsKey('x')}", true)]
    [InlineData("${map.containsKey('y')}", true)]
    [InlineData("${map.containsKey('z')}", false)]
    [InlineData("${map.containsKey('toString')}", false)]
    [InlineData("${a.equals('a')}", true)]
    [InlineData("${a.equals('b')}", false)]
    [InlineData("${a.equals(nix)}", false)]
    [InlineData("${list.equals([1, 2, 3])}", true)]
    [InlineData("${s.equalsIgnoreCase('HALLO')}", true)]
    [InlineData("${s.equalsIgnoreCase('Hallo!')}", false)]
    [InlineData("${s.equalsIgnoreCase(nix)}", false)]
    [InlineData("${'x'.equals(a) or 'A'.equalsIgnoreCase(a)}", true)]
    [InlineData("${antrag.unterlagen.size() > 2 and antrag.art.equalsIgnoreCase('gewerbe')}", true)]
    public void Predicates_AnswerAsJavaWould(string expression, bool expected) => Condition(expression).ShouldBe(expected);

    [Fact]
    public void InATemplate_TheMethodResultIsJoined() =>
        Eval("Unterlagen: ${list.size()} von ${antrag.unterlagen.size()}")!.GetValue<string>().ShouldBe("Unterlagen: 3 von 3");

    [Fact]
    public void InsideAStringLiteral_NothingIsTranslated() =>
        Eval("${'list.size()'}")!.GetValue<string>().ShouldBe("list.size()");

    [Fact]
    public void APropertyWithAMethodName_IsReadAsAProperty() =>
        _evaluator.Evaluate("${o.size + o.length}", Scope.Of("""{"o": {"size": 2, "length": 3}}"""))!.GetValue<long>().ShouldBe(5);

    [Fact]
    public void OnNull_TheCallFailsWithAClearError()
    {
        var ex = Should.Throw<ScriptException>(() => Eval("${nix.size()}"));
        ex.Message.ShouldContain("size");
    }
}
