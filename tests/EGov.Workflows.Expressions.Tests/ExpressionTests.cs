using System.Text.Json.Nodes;

namespace EGov.Workflows.Expressions.Tests;

public class ExpressionTests
{
    private readonly ExpressionEvaluator _evaluator = new();

    private bool Condition(string expression, string variables = "{}") => _evaluator.EvaluateCondition(expression, Scope.Of(variables));

    [Theory]
    [InlineData("${amount > 100}")]
    [InlineData("#{amount > 100}")]
    [InlineData("amount > 100")]
    [InlineData("  ${ amount > 100 }  ")]
    public void Condition_PlainOrWrapped_SeesVariablesByName(string expression) =>
        Condition(expression, """{"amount": 150}""").ShouldBeTrue();

    [Fact]
    public void Condition_WrappedInDollarBraces_SeesVariablesByName() =>
        Condition("${amount > 100}", """{"amount": 50}""").ShouldBeFalse();

    [Fact]
    public void Condition_BooleanVariable_IsItsValue()
    {
        Condition("${paid}", """{"paid": true}""").ShouldBeTrue();
        Condition("${paid}", """{"paid": false}""").ShouldBeFalse();
    }

    [Fact]
    public void Condition_StringComparisonAndLogic() =>
        Condition("${x == 'a' && y}", """{"x": "a", "y": true}""").ShouldBeTrue();

    [Fact]
    public void Condition_ObjectProperties() =>
        Condition("${antrag.betrag >= 100 && antrag.art === 'Gewerbe'}", """{"antrag": {"betrag": 100, "art": "Gewerbe"}}""").ShouldBeTrue();

    [Fact]
    public void Condition_UnknownVariable_FailsLikeCamunda() =>
        Should.Throw<ScriptException>(() => Condition("${approved}"))
            .Message.ShouldBe("ReferenceError: approved is not defined");

    [Fact]
    public void Condition_TypeofUnknownVariable_IsAllowed() =>
        Condition("${typeof approved === 'undefined'}").ShouldBeTrue();

    [Theory]
    [InlineData("${amount}", "the number 5")]
    [InlineData("${name}", "the string \"Anna\"")]
    [InlineData("${nothing}", "null")]
    [InlineData("${[]}", "an array")]
    [InlineData("${ {a: 1} }", "an object")]
    public void Condition_NotBoolean_FailsNamingWhatItGot(string expression, string got) =>
        Should.Throw<ScriptException>(() => Condition(expression, """{"amount": 5, "name": "Anna", "nothing": null}"""))
            .Message.ShouldBe($"condition '{expression}' did not evaluate to a boolean but to {got}");

    [Fact]
    public void Condition_ExecutionGetVariable_Works() =>
        Condition("${execution.getVariable('amount') > 100}", """{"amount": 150}""").ShouldBeTrue();

    [Fact]
    public void Condition_ExecutionGetVariable_Unknown_IsNull() =>
        Condition("${execution.getVariable('missing') == null}").ShouldBeTrue();

    [Fact]
    public void Condition_ExecutionSetVariable_NeedsAScriptExecution() =>
        Should.Throw<ScriptException>(() => Condition("${execution.setVariable('a', 1) || true}"))
            .Message.ShouldBe("execution.setVariable is not available in this expression");

    [Theory]
    [InlineData("${not approved}", true)]
    [InlineData("${approved and amount gt 100}", false)]
    [InlineData("${approved or amount gt 100}", true)]
    [InlineData("${amount eq 150}", true)]
    [InlineData("${amount ne 150}", false)]
    [InlineData("${amount lt 200 and amount le 150}", true)]
    [InlineData("${amount gt 150 or amount ge 151}", false)]
    [InlineData("${amount div 3 eq 50}", true)]
    [InlineData("${amount mod 7 eq 3}", true)]
    [InlineData("${status eq 'neu'}", true)]
    [InlineData("${not (approved or false)}", true)]
    [InlineData("${not(approved)}", true)]
    public void Juel_WordOperators_AreTranslated(string expression, bool expected) =>
        Condition(expression, """{"approved": false, "amount": 150, "status": "neu"}""").ShouldBe(expected);

    [Theory]
    [InlineData("${empty nothing}", true)]
    [InlineData("${empty blank}", true)]
    [InlineData("${empty list}", true)]
    [InlineData("${empty map}", true)]
    [InlineData("${empty name}", false)]
    [InlineData("${empty zahlen}", false)]
    [InlineData("${not empty name}", true)]
    [InlineData("${empty antrag.anlagen}", true)]
    [InlineData("${empty antrag['anlagen']}", true)]
    [InlineData("${empty execution.getVariable('name')}", false)]
    [InlineData("${empty (blank)}", true)]
    [InlineData("${empty blank and not empty name}", true)]
    [InlineData("${empty ''}", true)]
    [InlineData("${empty zero}", false)]
    public void Juel_Empty_IsNullOrEmptyStringArrayOrObject(string expression, bool expected) =>
        Condition(expression, """{"nothing": null, "blank": "", "list": [], "map": {}, "name": "Anna", "zahlen": [1], "zero": 0, "antrag": {"anlagen": []}}""")
            .ShouldBe(expected);

    [Fact]
    public void Juel_WordsInsideStrings_AreLeftAlone() =>
        _evaluator.Evaluate("${'not and or eq ' + \"empty lt\"}", Scope.Of("{}"))!.GetValue<string>().ShouldBe("not and or eq empty lt");

    [Fact]
    public void Juel_WordsAsPropertyNames_AreLeftAlone() =>
        Condition("${o.and == 1 && o.not == 2 && o['or'] == 3}", """{"o": {"and": 1, "not": 2, "or": 3}}""").ShouldBeTrue();

    [Fact]
    public void Juel_IdentifiersContainingWords_AreLeftAlone() =>
        Condition("${notice and android or order}", """{"notice": true, "android": true, "order": false}""").ShouldBeTrue();

    [Fact]
    public void Expression_ReturnsValuesNotJustBooleans()
    {
        _evaluator.Evaluate("${antrag.betrag * 2}", Scope.Of("""{"antrag": {"betrag": 12.5}}"""))!.GetValue<long>().ShouldBe(25);
        _evaluator.Evaluate("${initiator}", Scope.Of("""{"initiator": "sachbearbeiter1"}"""))!.GetValue<string>().ShouldBe("sachbearbeiter1");
        _evaluator.Evaluate("${gruppen}", Scope.Of("""{"gruppen": ["a","b"]}"""))!.ToJsonString().ShouldBe("""["a","b"]""");
    }

    [Fact]
    public void Expression_WithSurroundingText_IsAStringTemplate() =>
        _evaluator.Evaluate("Antrag ${nr} von ${name}${missing}", new FakeExecution(("nr", 42), ("name", "Anna"), ("missing", null)))!
            .GetValue<string>().ShouldBe("Antrag 42 von Anna");

    [Fact]
    public void Expression_WithBracesInStrings_FindsTheRightEnd() =>
        _evaluator.Evaluate("${'}' + x + '{'}", Scope.Of("""{"x": "-"}"""))!.GetValue<string>().ShouldBe("}-{");

    [Fact]
    public void Expression_ObjectLiteral_Works() =>
        _evaluator.Evaluate("${ {a: x, 'b': [x]} }", Scope.Of("""{"x": 1}"""))!.ToJsonString().ShouldBe("""{"a":1,"b":[1]}""");

    [Fact]
    public void Expression_Statements_AreNotAnExpression() =>
        Should.Throw<ScriptException>(() => _evaluator.Evaluate("${x = 1; y}", Scope.Of("""{"x": 1, "y": 2}""")))
            .Message.ShouldStartWith("SyntaxError:");

    [Fact]
    public void Expression_UnclosedWrapper_FailsClearly() =>
        Should.Throw<ScriptException>(() => _evaluator.Evaluate("${amount > 1", Scope.Of("{}")))
            .Message.ShouldBe("expression '${amount > 1' has an unclosed '${'");

    [Fact]
    public void Expression_TrailingLineComment_IsAllowed() =>
        Condition("amount > 1 // Schwellenwert", """{"amount": 2}""").ShouldBeTrue();

    [Fact]
    public void Expression_JavaScriptGlobals_WinOverVariablesOfTheSameName()
    {
        var scope = new FakeExecution(("Math", "kein Objekt"), ("amount", 2.4));
        _evaluator.Evaluate("${Math.round(amount)}", scope)!.GetValue<long>().ShouldBe(2);
        _evaluator.Evaluate("${execution.getVariable('Math')}", scope)!.GetValue<string>().ShouldBe("kein Objekt");
    }

    [Fact]
    public void Expression_RegexLiteral_IsNotTranslated() =>
        Condition("${/^not|and$/.test(word)}", """{"word": "and"}""").ShouldBeTrue();

    [Fact]
    public void Expression_OnlyReferencedVariables_AreConverted()
    {
        var scope = new CountingScope(new Dictionary<string, JsonNode?> { ["a"] = 1, ["b"] = 2, ["c"] = 3 });
        _evaluator.EvaluateCondition("${a == 1}", scope).ShouldBeTrue();
        scope.Lookups.ShouldBe(["a", "a"]); // bound once (exists?), read once (value)
    }

    private sealed class CountingScope(Dictionary<string, JsonNode?> variables) : IVariableScope
    {
        public List<string> Lookups { get; } = [];
        public IEnumerable<string> VariableNames => variables.Keys;

        public bool TryGetVariable(string name, out JsonNode? value)
        {
            Lookups.Add(name);
            return variables.TryGetValue(name, out value);
        }
    }
}
