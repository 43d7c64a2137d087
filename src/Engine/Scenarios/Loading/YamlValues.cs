using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace EGov.Workflows.Scenarios.Loading;

/// <summary>Turns YAML values into JSON variables (YAML 1.2 core schema): unquoted integers become longs, other unquoted numbers
/// decimals (fees stay exact), true/false booleans, null/~/empty null; quoted text always stays a string.</summary>
internal static partial class YamlValues
{
    [GeneratedRegex(@"^[-+]?[0-9]+$")]
    private static partial Regex Integer();

    [GeneratedRegex(@"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")]
    private static partial Regex Float();

    public static JsonNode? ToJson(YNode node) => node switch
    {
        YScalar s => Scalar(s),
        YSeq seq => new JsonArray(seq.Items.Select(ToJson).ToArray()),
        YMap map => Object(map),
        _ => throw new ScenarioFormatException(node.At, "unexpected YAML node"),
    };

    public static JsonObject Object(YMap map)
    {
        var result = new JsonObject();
        foreach (var (key, value) in map.Entries) result[key.Value] = ToJson(value);
        return result;
    }

    private static JsonNode? Scalar(YScalar s)
    {
        switch (s.Tag)
        {
            case null: break;
            case "tag:yaml.org,2002:str": return JsonValue.Create(s.Value);
            case "tag:yaml.org,2002:null": return null;
            case "tag:yaml.org,2002:bool" or "tag:yaml.org,2002:int" or "tag:yaml.org,2002:float":
                return Plain(s) ?? throw new ScenarioFormatException(s.At, $"'{s.Value}' is not a {s.Tag[18..]}");
            default: throw new ScenarioFormatException(s.At, $"unsupported YAML tag {s.Tag}");
        }
        if (!s.Plain) return JsonValue.Create(s.Value);
        if (s.IsNull) return null;
        return Plain(s) ?? JsonValue.Create(s.Value);
    }

    /// <summary>The value of an unquoted boolean or number, or null when the text is neither.</summary>
    private static JsonValue? Plain(YScalar s)
    {
        var v = s.Value;
        switch (v)
        {
            case "true" or "True" or "TRUE": return JsonValue.Create(true);
            case "false" or "False" or "FALSE": return JsonValue.Create(false);
            case ".inf" or "+.inf" or "-.inf" or ".Inf" or ".INF" or ".nan" or ".NaN" or ".NAN":
                throw new ScenarioFormatException(s.At, $"'{v}' has no JSON value; quote it to make it text");
        }
        if (Integer().IsMatch(v))
        {
            if (long.TryParse(v, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l)) return JsonValue.Create(l);
            if (decimal.TryParse(v, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var big)) return JsonValue.Create(big);
            throw new ScenarioFormatException(s.At, $"number '{v}' is too large");
        }
        if (v.StartsWith("0x", StringComparison.Ordinal) && long.TryParse(v[2..], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var hex))
            return JsonValue.Create(hex);
        if (v.StartsWith("0o", StringComparison.Ordinal) && v.Length > 2 && v[2..].All(c => c is >= '0' and <= '7'))
        {
            try { return JsonValue.Create(Convert.ToInt64(v[2..], 8)); }
            catch (OverflowException) { throw new ScenarioFormatException(s.At, $"number '{v}' is too large"); }
        }
        if (Float().IsMatch(v))
        {
            if (decimal.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out var d)) return JsonValue.Create(d);
            throw new ScenarioFormatException(s.At, $"number '{v}' is out of range");
        }
        return null;
    }
}
