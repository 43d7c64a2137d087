using System.Text.Json;
using System.Text.Json.Nodes;

namespace EGov.Workflows.Expressions.Tests;

/// <summary>Variables go into JavaScript as deep copies and come back as JSON without losing what matters.</summary>
public class ConversionTests
{
    private readonly ExpressionEvaluator _evaluator = new();

    private JsonNode? Run(string script, FakeExecution? execution = null) => _evaluator.RunScript(script, execution ?? new FakeExecution());

    [Fact]
    public void Umlauts_SurviveTheRoundTrip()
    {
        var execution = FakeExecution.With("""{"name": "Jürgen Müller-Weiß", "ort": "Gießen"}""");
        Run("name + ', ' + ort + ' – Straße'", execution)!.GetValue<string>().ShouldBe("Jürgen Müller-Weiß, Gießen – Straße");
    }

    [Fact]
    public void ObjectsAndArrays_RoundTripDeeply()
    {
        const string json = """{"antrag":{"nr":"A-1","positionen":[{"art":"Gebühr","betrag":12.5},{"art":"Auslage","betrag":3}],"flags":[true,false,null],"leer":{},"nichts":null}}""";
        var execution = FakeExecution.With(json);
        var result = Run("antrag", execution);
        JsonVariables.JsonEquals(result, JsonNode.Parse(json)!["antrag"]).ShouldBeTrue(result?.ToJsonString());
    }

    [Fact]
    public void Objects_AreJavaScriptObjectsAndArraysAreArrays() =>
        Run("[typeof antrag, Array.isArray(antrag.liste), antrag.liste.length, antrag.liste.map(x => x * 2)]",
                FakeExecution.With("""{"antrag":{"liste":[1,2,3]}}"""))!
            .ToJsonString().ShouldBe("""["object",true,3,[2,4,6]]""");

    [Fact]
    public void Script_MutatesACopy_UntilItSetsTheVariable()
    {
        var execution = FakeExecution.With("""{"antrag":{"status":"neu","anlagen":["a"]}}""");
        _evaluator.RunScript("antrag.status = 'geprüft'; antrag.anlagen.push('b'); 1", execution);
        execution.Instance["antrag"]!.ToJsonString().ShouldBe("""{"status":"neu","anlagen":["a"]}""");

        _evaluator.RunScript("var a = antrag; a.status = 'geprüft'; a.anlagen.push('b'); execution.setVariable('antrag', a)", execution);
        execution.Instance["antrag"]!.ToJsonString(new JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping })
            .ShouldBe("""{"status":"geprüft","anlagen":["a","b"]}""");
    }

    [Fact]
    public void DecimalVariable_IsANumberForArithmetic()
    {
        var execution = new FakeExecution(("fee", JsonValue.Create(12.50m)));
        var result = Run("fee * 2", execution)!.AsValue();
        result.GetValueKind().ShouldBe(JsonValueKind.Number);
        result.TryGetValue(out long integral).ShouldBeTrue();
        integral.ShouldBe(25);
    }

    [Theory]
    [InlineData("19.99", "19.99")]
    [InlineData("0.1 + 0.2", "0.30000000000000004")]
    [InlineData("12.5 * 2", "25")]
    [InlineData("1 / 3", "0.3333333333333333")]
    [InlineData("-0.5", "-0.5")]
    [InlineData("-0", "0")]
    [InlineData("2 ** 53", "9007199254740992")]
    [InlineData("1e300", "1E+300")]
    [InlineData("NaN", "null")]
    [InlineData("1 / 0", "null")]
    public void Numbers_ComeBackAsShortestRoundTrip(string script, string json) =>
        (Run(script)?.ToJsonString() ?? "null").ShouldBe(json);

    [Fact]
    public void Numbers_FractionalComeBackAsDecimal_IntegralAsLong()
    {
        Run("19.99")!.GetValue<decimal>().ShouldBe(19.99m);
        Run("12.5 * 2")!.GetValue<long>().ShouldBe(25L);
    }

    [Fact]
    public void Numbers_InVariables_OfEveryClrType_AreUsable()
    {
        var execution = new FakeExecution(
            ("i", JsonValue.Create(2)), ("l", JsonValue.Create(3L)), ("d", JsonValue.Create(0.5)),
            ("m", JsonValue.Create(1.25m)), ("f", JsonValue.Create(0.25f)), ("parsed", JsonNode.Parse("4.75")));
        Run("i + l + d + m + f + parsed", execution)!.GetValue<decimal>().ShouldBe(11.75m);
    }

    [Fact]
    public void Dates_BecomeIsoStrings() =>
        Run("new Date(Date.UTC(2026, 0, 5, 8, 30, 0))")!.GetValue<string>().ShouldBe("2026-01-05T08:30:00.000Z");

    [Fact]
    public void FunctionsAndUndefined_BecomeNullOrAreOmitted() =>
        Run("({ a: 1, f: function(){}, u: undefined, s: Symbol('x'), list: [1, undefined, function(){}] })")!
            .ToJsonString().ShouldBe("""{"a":1,"list":[1,null,null]}""");

    [Fact]
    public void Undefined_CompletionValue_IsNull() =>
        Run("var x = 1;").ShouldBeNull();

    [Fact]
    public void Getters_AreNotRun_WhenReadingAResult() =>
        Run("({ get slow() { while(true){} }, ok: 1 })")!.ToJsonString().ShouldBe("""{"ok":1}""");

    [Fact]
    public void CircularValue_CannotBeStored() =>
        Should.Throw<ScriptException>(() => Run("var o = {}; o.self = o; o"))
            .Message.ShouldBe("value contains a circular reference and cannot be stored as a variable");

    [Fact]
    public void SharedButNotCircularValue_IsCopiedTwice() =>
        Run("var p = {x: 1}; ({a: p, b: p})")!.ToJsonString().ShouldBe("""{"a":{"x":1},"b":{"x":1}}""");

    [Fact]
    public void BigInt_ComesBackAsNumber()
    {
        Run("2n ** 62n")!.GetValue<long>().ShouldBe(4611686018427387904L);
        Run("10n ** 30n")!.ToJsonString().ShouldBe("1E+30");
    }

    [Fact]
    public void NullVariable_IsNullNotUndefined() =>
        _evaluator.EvaluateCondition("${x === null}", new FakeExecution(("x", null))).ShouldBeTrue();
}
