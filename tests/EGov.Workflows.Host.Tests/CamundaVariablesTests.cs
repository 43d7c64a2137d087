using System.Text.Json.Nodes;
using EGov.Workflows.Host.ExternalTasks;

namespace EGov.Workflows.Host.Tests;

public sealed class CamundaVariablesTests
{
    [Fact]
    public void ToTyped_NamesCamundaTypes()
    {
        var typed = CamundaVariables.ToTyped(new JsonObject
        {
            ["s"] = "x", ["b"] = false, ["i"] = 7, ["l"] = 5_000_000_000L, ["d"] = 0.5, ["o"] = new JsonObject { ["a"] = 1 }, ["a"] = new JsonArray(1, 2), ["n"] = null,
        });
        string Type(string name) => typed[name]!["type"]!.GetValue<string>();
        Type("s").ShouldBe("String");
        Type("b").ShouldBe("Boolean");
        Type("i").ShouldBe("Integer");
        Type("l").ShouldBe("Long");
        Type("d").ShouldBe("Double");
        Type("o").ShouldBe("Json");
        typed["o"]!["value"]!.GetValue<string>().ShouldBe("{\"a\":1}");
        Type("a").ShouldBe("Json");
        Type("n").ShouldBe("Null");
        typed["s"]!["valueInfo"].ShouldBeOfType<JsonObject>();
    }

    [Fact]
    public void FromTyped_ReadsTypesCaseInsensitively_AndSkipsTransients()
    {
        var vars = CamundaVariables.FromTyped(JsonNode.Parse("""
            {"s": {"value": "x", "type": "string"}, "i": {"value": 3, "type": "integer"}, "l": {"value": "9", "type": "Long"},
             "d": {"value": 1.25, "type": "double"}, "b": {"value": true, "type": "Boolean"}, "j": {"value": "[1,2]", "type": "json"},
             "o": {"value": "{\"k\":1}", "type": "Object", "valueInfo": {"serializationDataFormat": "application/json"}},
             "n": {"value": null, "type": "null"}, "t": {"value": "x", "type": "String", "valueInfo": {"transient": true}},
             "dt": {"value": "2026-11-28T10:00:00.000+0000", "type": "date"}}
            """)!.AsObject())!;
        vars["s"]!.GetValue<string>().ShouldBe("x");
        vars["i"]!.GetValue<long>().ShouldBe(3);
        vars["l"]!.GetValue<long>().ShouldBe(9);
        vars["d"]!.GetValue<double>().ShouldBe(1.25);
        vars["b"]!.GetValue<bool>().ShouldBeTrue();
        vars["j"]!.AsArray().Count.ShouldBe(2);
        vars["o"]!["k"]!.GetValue<int>().ShouldBe(1);
        vars.ContainsKey("n").ShouldBeTrue();
        vars["n"].ShouldBeNull();
        vars.ContainsKey("t").ShouldBeFalse();
        vars["dt"]!.GetValue<string>().ShouldStartWith("2026-11-28");
    }

    [Fact]
    public void FromTyped_UnknownTypeOrBadValue_NamesTheVariable()
    {
        Should.Throw<FormatException>(() => CamundaVariables.FromTyped(JsonNode.Parse("""{"f": {"value": "x", "type": "File"}}""")!.AsObject()))
            .Message.ShouldContain("'f'");
        Should.Throw<FormatException>(() => CamundaVariables.FromTyped(JsonNode.Parse("""{"i": {"value": "zwei", "type": "Integer"}}""")!.AsObject()))
            .Message.ShouldContain("'i'");
    }
}
