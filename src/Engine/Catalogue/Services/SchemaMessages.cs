using System.Text.Json;
using System.Text.Json.Nodes;
using EGov.Workflows.Catalogue.Yaml;
using EGov.Workflows.Model.Diagnostics;
using Json.Schema;

namespace EGov.Workflows.Catalogue.Services;

/// <summary>
/// Turns the schema's list output into messages a person can act on, each at a position: the failing keyword decides
/// the wording (unknown field, missing field, not a LeiKa key, not a date, …). Failures inside <c>if</c> are not errors;
/// of a <c>oneOf</c> only the alternative that came closest is reported.
/// </summary>
internal static class SchemaMessages
{
    private sealed record Failure(string Instance, string EvaluationPath, string Keyword, string Message);

    public static void Report(EvaluationResults results, PositionedYaml yaml, JsonObject root, DiagnosticBag bag)
    {
        var failures = (results.Details ?? [])
            .Where(d => d.Errors is { Count: > 0 })
            .SelectMany(d => d.Errors!.Select(e => new Failure(d.InstanceLocation.ToString(), d.EvaluationPath.ToString(), e.Key, e.Value)))
            .Where(f => !f.EvaluationPath.Split('/').Contains("if"))
            // What a "not" found inside is why the "not" failed (the library reports only that): one failure of the "not".
            .Select(f => f.EvaluationPath.IndexOf("/not/", StringComparison.Ordinal) is var i and >= 0
                ? f with { EvaluationPath = f.EvaluationPath[..(i + 4)], Keyword = "not", Message = "" }
                : f)
            .ToList();
        if (!results.IsValid && failures.Count == 0) failures.Add(new Failure("", "", "schema", "does not match docs/service.schema.json"));
        failures = ClosestAlternatives(failures);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var fields = new HashSet<string>(StringComparer.Ordinal); // one message per field (a date can fail its pattern and its format)
        foreach (var f in failures.OrderBy(f => yaml.ValueAt(f.Instance).Line).ThenBy(f => f.Instance, StringComparer.Ordinal))
        {
            var (at, message) = Describe(f, yaml, root);
            if (f.Keyword is not ("required" or "" or "not") && !fields.Add(f.Instance)) continue;
            if (seen.Add($"{at}|{message}")) bag.Error(at, message);
        }
    }

    /// <summary>For each oneOf, keeps the failures of the alternative with the fewest (the one the author most likely meant).</summary>
    private static List<Failure> ClosestAlternatives(List<Failure> failures)
    {
        var result = failures.Where(f => !f.EvaluationPath.Contains("/oneOf/", StringComparison.Ordinal)).ToList();
        foreach (var group in failures.Where(f => f.EvaluationPath.Contains("/oneOf/", StringComparison.Ordinal))
                     .GroupBy(f => f.EvaluationPath[..f.EvaluationPath.IndexOf("/oneOf/", StringComparison.Ordinal)]))
        {
            var best = group.GroupBy(f => BranchOf(f.EvaluationPath))
                .OrderBy(b => b.Any(f => f.Keyword is "required" || f.Keyword.Length == 0) ? 1 : 0)
                .ThenBy(b => b.Count())
                .First();
            result.AddRange(best);
        }
        return result;
    }

    private static string BranchOf(string path)
    {
        var i = path.IndexOf("/oneOf/", StringComparison.Ordinal) + "/oneOf/".Length;
        var end = path.IndexOf('/', i);
        return end < 0 ? path[i..] : path[i..end];
    }

    private static (Model.Xml.SourcePosition, string) Describe(Failure f, PositionedYaml yaml, JsonObject root)
    {
        var field = FieldName(f.Instance);
        var value = Value(root, f.Instance);
        var name = LastSegment(f.Instance);
        switch (f.Keyword)
        {
            case "" when f.Message.Contains("false schema", StringComparison.Ordinal):
                return (yaml.KeyAt(f.Instance), $"unknown field '{field}'{Allowed(f)}");
            case "required":
            {
                var missing = MissingNames(f.Message);
                var where = f.Instance.Length == 0 ? "" : $" in '{field}'";
                var hint = missing.Contains("leika") && f.Instance.Length == 0
                    ? " (a service for citizens or businesses names its LeiKa key; an internal procedure says 'internal: true')"
                    : "";
                return (f.Instance.Length == 0 ? new Model.Xml.SourcePosition(1, 1) : yaml.KeyAt(f.Instance),
                    $"missing field{(missing.Count > 1 ? "s" : "")} {string.Join(", ", missing.Select(m => $"'{m}'"))}{where}{hint}");
            }
            case "not" when f.EvaluationPath.Contains("/then", StringComparison.Ordinal):
                return (yaml.KeyAt(root.ContainsKey("leika") ? "/leika" : "/ozg"),
                    "an internal procedure ('internal: true') has no 'leika' and no 'ozg': it is not in the LeiKa catalogue");
            case "type":
                return (yaml.ValueAt(f.Instance), name == "leika" && value is JsonValue
                    ? $"leika: {value.ToJsonString()} is read as a number; write the LeiKa key in quotes (leika: \"{value}\")"
                    : $"{field}: expected {ExpectedType(f.Message)}, found {Kind(value)}");
            case "pattern":
                return (yaml.ValueAt(f.Instance), PatternMessage(field, name, value));
            case "format":
                return (yaml.ValueAt(f.Instance), $"{field}: '{value}' is not a date (YYYY-MM-DD, a day the calendar has)");
            case "enum":
                return (yaml.ValueAt(f.Instance), $"{field}: '{value}' is not one of {EnumValues(f.EvaluationPath)}");
            case "minimum" or "maximum" when name == "reifegrad":
                return (yaml.ValueAt(f.Instance), $"reifegrad: {value} is not an OZG maturity level (0–4)");
            case "minimum":
                return (yaml.ValueAt(f.Instance), $"{field}: {value} is negative");
            case "multipleOf":
                return (yaml.ValueAt(f.Instance), $"{field}: {value} has more than two decimal places (an amount in euros and cents)");
            case "minItems":
                return (yaml.ValueAt(f.Instance), $"{field}: at least one entry is needed");
            case "minLength":
                return (yaml.ValueAt(f.Instance), $"{field}: must not be empty");
            case "maxLength":
                return (yaml.ValueAt(f.Instance), $"{field}: too long");
            case "uniqueItems":
                return (yaml.ValueAt(f.Instance), $"{field}: an entry is named twice");
            case "minProperties":
                return (yaml.ValueAt(f.Instance), $"{field}: give at least one field");
            default:
                return (yaml.ValueAt(f.Instance), $"{(field.Length == 0 ? "" : field + ": ")}{f.Message}");
        }
    }

    private static string PatternMessage(string field, string name, JsonNode? value) => name switch
    {
        "leika" => $"leika: '{value}' is not a LeiKa key: 14 digits starting with 99 (e.g. 99108001000000)",
        "bearbeitungsfrist" or "aufbewahrungsfrist" => $"{field}: '{value}' is not a Frist: an ISO 8601 period in years, months, weeks or days (P14D, P3M, P6Y); the law counts days, not hours",
        "validFrom" or "validTo" => $"{field}: '{value}' is not a date (YYYY-MM-DD)",
        "link" or "url" => $"{field}: '{value}' is not an https address",
        "email" => $"{field}: '{value}' is not an e-mail address",
        "phone" => $"{field}: '{value}' is not a telephone number",
        "id" => $"{field}: '{value}' is not an OZG-ID (5 digits)",
        _ => $"{field}: '{value}' does not have the required form",
    };

    private static string Allowed(Failure f)
    {
        // /properties/name/additionalProperties → the properties of /properties/name; /additionalProperties → the root's.
        var owner = f.EvaluationPath[..f.EvaluationPath.LastIndexOf("/additionalProperties", StringComparison.Ordinal)];
        var names = SchemaAt(owner.Replace("/$ref", "", StringComparison.Ordinal))?["properties"] is JsonObject props ? props.Select(p => p.Key).ToList() : [];
        return names.Count == 0 ? "" : $" (known fields: {string.Join(", ", names)})";
    }

    // The evaluator names the keyword at the path's end (/properties/trustLevel/enum) or not (/properties/trustLevel): both
    // point at the field's schema. (Cutting at a missing "/enum" crashed `./egov validate` for 'trustLevel: basis'.)
    private static string EnumValues(string evaluationPath) =>
        SchemaAt(evaluationPath.EndsWith("/enum", StringComparison.Ordinal) ? evaluationPath[..^"/enum".Length] : evaluationPath)?["enum"] is JsonArray values
            ? string.Join(", ", values.Select(v => v?.ToString()))
            : "the allowed values";

    private static JsonNode? SchemaAt(string evaluationPath)
    {
        JsonNode? node = JsonNode.Parse(ServiceSchema.Json);
        foreach (var seg in evaluationPath.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            var key = seg.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);
            node = node switch
            {
                JsonObject o => o[key],
                JsonArray a when int.TryParse(key, out var i) && i < a.Count => a[i],
                _ => null,
            };
            if (node is null) return null;
        }
        return node;
    }

    private static List<string> MissingNames(string message)
    {
        var open = message.IndexOf('[', StringComparison.Ordinal);
        var close = message.LastIndexOf(']');
        if (open < 0 || close <= open) return ["?"];
        try { return JsonSerializer.Deserialize<List<string>>(message[open..(close + 1)]) ?? ["?"]; }
        catch (JsonException) { return ["?"]; }
    }

    private static string ExpectedType(string message)
    {
        var i = message.LastIndexOf("should be", StringComparison.Ordinal);
        var t = i < 0 ? "another type" : message[(i + "should be".Length)..].Trim().Trim('"');
        return t switch { "string" => "a text", "integer" => "a whole number", "number" => "a number", "boolean" => "true or false", "object" => "a mapping of fields", "array" => "a list", _ => t };
    }

    private static string Kind(JsonNode? value) => value switch
    {
        null => "nothing (null)",
        JsonObject => "a mapping",
        JsonArray => "a list",
        JsonValue v when v.GetValueKind() is JsonValueKind.Number => $"the number {v.ToJsonString()}",
        JsonValue v when v.GetValueKind() is JsonValueKind.True or JsonValueKind.False => v.ToJsonString(),
        _ => $"'{value}'",
    };

    private static JsonNode? Value(JsonNode? root, string pointer)
    {
        foreach (var seg in pointer.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            var key = seg.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);
            root = root switch
            {
                JsonObject o => o[key],
                JsonArray a when int.TryParse(key, out var i) && i < a.Count => a[i],
                _ => null,
            };
        }
        return root;
    }

    private static string LastSegment(string pointer) =>
        pointer.Length == 0 ? "" : pointer[(pointer.LastIndexOf('/') + 1)..].Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);

    /// <summary>/legalBases/0/law → legalBases[0].law</summary>
    internal static string FieldName(string pointer)
    {
        var sb = new System.Text.StringBuilder();
        foreach (var seg in pointer.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            var key = seg.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);
            if (key.All(char.IsAsciiDigit)) sb.Append('[').Append(key).Append(']');
            else { if (sb.Length > 0) sb.Append('.'); sb.Append(key); }
        }
        return sb.ToString();
    }
}
