using System.Text.Json;
using System.Text.Json.Nodes;

namespace EGov.Workflows.Expressions.Tests;

public class JsonVariablesTests
{
    private enum Status { Neu, Geprueft }

    [Fact]
    public void FromClr_Primitives()
    {
        JsonVariables.FromClr(null).ShouldBeNull();
        JsonVariables.FromClr(true)!.GetValue<bool>().ShouldBeTrue();
        JsonVariables.FromClr("Gießen")!.GetValue<string>().ShouldBe("Gießen");
        JsonVariables.FromClr(42)!.GetValue<long>().ShouldBe(42);
        JsonVariables.FromClr(12.50m)!.GetValue<decimal>().ShouldBe(12.50m);
        JsonVariables.FromClr(double.NaN).ShouldBeNull();
        JsonVariables.FromClr(Status.Geprueft)!.GetValue<string>().ShouldBe("Geprueft");
        JsonVariables.FromClr(new DateTimeOffset(2026, 1, 5, 8, 0, 0, TimeSpan.FromHours(1)))!.GetValue<string>().ShouldBe("2026-01-05T08:00:00.0000000+01:00");
    }

    [Fact]
    public void FromClr_CollectionsAndObjects()
    {
        JsonVariables.FromClr(new Dictionary<string, object?> { ["a"] = 1, ["b"] = new[] { "x", "y" } })!
            .ToJsonString().ShouldBe("""{"a":1,"b":["x","y"]}""");
        JsonVariables.FromClr(new { Name = "Anna", Alter = 30 })!.ToJsonString().ShouldBe("""{"Name":"Anna","Alter":30}""");
        JsonVariables.FromClr(JsonDocument.Parse("""{"x":[1]}""").RootElement)!.ToJsonString().ShouldBe("""{"x":[1]}""");
    }

    [Fact]
    public void FromClr_JsonNode_IsCopied()
    {
        var node = JsonNode.Parse("""{"a":1}""")!;
        var copy = JsonVariables.FromClr(node)!;
        copy["a"] = 2;
        node["a"]!.GetValue<int>().ShouldBe(1);
    }

    [Theory]
    [InlineData("12.5", "12.50")]
    [InlineData("25", "25.0")]
    [InlineData("1e2", "100")]
    [InlineData("""{"a":1,"b":[1,2]}""", """{"b":[1,2.0],"a":1}""")]
    [InlineData("null", "null")]
    [InlineData("\"ä\"", "\"\\u00e4\"")]
    public void JsonEquals_ComparesNumbersByValueAndObjectsRegardlessOfOrder(string a, string b) =>
        JsonVariables.JsonEquals(JsonNode.Parse(a), JsonNode.Parse(b)).ShouldBeTrue();

    [Theory]
    [InlineData("1", "\"1\"")]
    [InlineData("[1,2]", "[2,1]")]
    [InlineData("""{"a":1}""", """{"a":1,"b":null}""")]
    [InlineData("1e-30", "2e-30")]
    [InlineData("true", "false")]
    [InlineData("null", "0")]
    public void JsonEquals_DistinguishesWhatDiffers(string a, string b) =>
        JsonVariables.JsonEquals(JsonNode.Parse(a), JsonNode.Parse(b)).ShouldBeFalse();

    [Fact]
    public void JsonEquals_TypedValuesAgainstParsed()
    {
        JsonVariables.JsonEquals(JsonValue.Create(25L), JsonNode.Parse("25.00")).ShouldBeTrue();
        JsonVariables.JsonEquals(JsonValue.Create(19.99m), JsonValue.Create(19.99)).ShouldBeTrue();
        JsonVariables.JsonEquals(null, JsonNode.Parse("null")).ShouldBeTrue();
    }

    [Fact]
    public void Clone_IsDeep()
    {
        var node = JsonNode.Parse("""{"a":{"b":[1]}}""");
        var clone = JsonVariables.Clone(node)!;
        clone["a"]!["b"]!.AsArray().Add(2);
        node!.ToJsonString().ShouldBe("""{"a":{"b":[1]}}""");
        JsonVariables.Clone(null).ShouldBeNull();
    }

    [Fact]
    public void TryGetDecimal_ReadsEveryNumberRepresentation()
    {
        JsonVariables.TryGetDecimal(JsonValue.Create(25L), out var a).ShouldBeTrue();
        a.ShouldBe(25m);
        JsonVariables.TryGetDecimal(JsonNode.Parse("19.99"), out var b).ShouldBeTrue();
        b.ShouldBe(19.99m);
        JsonVariables.TryGetDecimal(JsonValue.Create("19.99"), out _).ShouldBeFalse();
        JsonVariables.TryGetDouble(JsonValue.Create(12.5m), out var c).ShouldBeTrue();
        c.ShouldBe(12.5);
    }
}
