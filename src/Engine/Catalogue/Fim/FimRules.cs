using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace EGov.Workflows.Catalogue.Fim;

/// <summary>
/// What became of one XDatenfelder Regel: a server-checked rule for the form (<see cref="Check"/>, a FEEL expression that must
/// hold), a change of the named components (shown only under a condition, then required), or nothing (<see cref="Note"/> null:
/// the rule is listed in IMPORT.md).
/// </summary>
internal sealed record FimRuleMapping(JsonObject? Check, string? Note);

/// <summary>
/// Maps XDatenfelder Regeln written in the wording FIM's editors use for presence rules, sentence by sentence:
/// <list type="bullet">
/// <item>"Wenn Feld F1 … = 009 …, dann muss das Feld F2 … befüllt werden. Wenn Feld F1 … &lt;&gt; 009 …, dann darf das Feld F2 …
/// nicht befüllt werden." — F2 (a field or a group) is shown only when the condition holds, and then required
/// (form-js <c>conditional.hide</c>: a hidden field is neither shown nor submitted, so it cannot be filled);</item>
/// <item>one such sentence alone ("Wenn im Datenfeld F1 der Wert 001 angegeben wurde, dann soll F2 zum Pflichtfeld werden",
/// "Wenn F1 nicht leer, dann darf F2 nicht leer sein") — a FEEL check <c>not(condition) or filled(F2)</c>;</item>
/// <item>"Es muss mindestens eines der Felder F1, F2 oder F3 befüllt sein" — a FEEL check <c>filled(F1) or …</c>.</item>
/// </list>
/// Conditions: a code (<c>= 009</c>, <c>&lt;&gt; 009</c>, "der Wert 001"), filled or empty ("befüllt", "nicht leer",
/// "der Wert \"\""). Anything else — groups that must be filled in turn, dates to be checked, free wording — is not mapped.
/// Only fields outside repeatable lists are mapped (a rule over a list's entries names no single value).
/// </summary>
internal static class FimRules
{
    private static readonly Regex Ids = new(@"\b([FG]\d{6,})\b", RegexOptions.CultureInvariant);
    private static readonly TimeSpan Timeout = TimeSpan.FromMilliseconds(200);

    private enum Op { Eq, Ne, Filled, Empty }

    private sealed record Condition(string Source, Op Op, string? Value)
    {
        public Condition Not() => this with { Op = Op switch { Op.Eq => Op.Ne, Op.Ne => Op.Eq, Op.Filled => Op.Empty, _ => Op.Filled } };
    }

    private sealed record Sentence(Condition When, string Target, bool Must);

    public static FimRuleMapping Map(string id, string? name, string? definition, IReadOnlyDictionary<string, FimImporter.FimComponent> ids)
    {
        if (string.IsNullOrWhiteSpace(definition)) return new(null, null);
        var text = Regex.Replace(definition, @"\s+", " ", RegexOptions.None, Timeout).Trim();
        // The person filling the form reads the definition, without the FIM ids ("F60000240 "Telefon"" → ""Telefon"").
        var message = Regex.Replace(text, @"\b[FG]\d{6,}\s*", "", RegexOptions.None, Timeout);

        // At least one of several fields.
        if (Regex.IsMatch(text, @"^Es muss mindestens (eines|eins|ein Feld) der Felder", RegexOptions.IgnoreCase, Timeout))
        {
            var fields = Ids.Matches(text).Select(m => m.Groups[1].Value).Distinct().ToList();
            if (fields.Count < 2 || fields.Any(f => Field(f, ids) is null)) return new(null, null);
            var keys = fields.Select(f => Key(Field(f, ids)!)).ToList();
            var check = string.Join(" or ", fields.Select(f => Filled(Field(f, ids)!)));
            return new(Rule(id, name, check, keys, message), $"at least one of {string.Join(", ", keys)} is filled (checked by the server)");
        }

        var sentences = new List<Sentence>();
        foreach (var part in Regex.Split(text, @"(?=\bWenn\b)", RegexOptions.None, Timeout).Where(p => p.Trim().Length > 0))
        {
            if (Parse(part, ids) is not { } s) return new(null, null);
            sentences.Add(s);
        }
        if (sentences.Count == 0) return new(null, null);

        // The pair "if C then T must be filled; if not C then T must not be filled": T is shown only under C (and required).
        if (sentences is [var first, var second] && first.Target == second.Target && first.Must && !second.Must && second.When == first.When.Not()
            && ids.TryGetValue(first.Target, out var target))
        {
            var source = Field(first.When.Source, ids)!;
            var hide = Feel(first.When.Not(), source);
            var component = target.Component;
            var before = (component["conditional"] as JsonObject)?["hide"] is JsonValue h && h.TryGetValue<string>(out var old) ? old.TrimStart('=') : null;
            component["conditional"] = new JsonObject { ["hide"] = "=" + (before is null ? hide : $"({before}) or ({hide})") };
            var checkbox = (string?)component["type"] == "checkbox"; // a shown checkbox is always answered: required would force a tick
            if (!target.IsGroup && !checkbox)
            {
                if (component["validate"] is not JsonObject v) component["validate"] = v = new JsonObject();
                v["required"] = true;
            }
            return new(null, $"'{Label(component)}' is shown only when {Feel(first.When, source)}, and then {(target.IsGroup ? "filled as its fields require" : checkbox ? "answered" : "required")} (conditional.hide)");
        }

        // Otherwise every sentence is a check that must hold.
        var checks = new List<string>();
        var named = new List<string>();
        foreach (var s in sentences)
        {
            if (Field(s.Target, ids) is not { } t) return new(null, null); // a group to be filled: no single value to check
            if (s.Must && (string?)t.Component["type"] == "checkbox") return new(null, null); // "answered": a checkbox always is, and a tick is not what the rule asks
            var source = Field(s.When.Source, ids)!;
            checks.Add($"not({Feel(s.When, source)}) or {(s.Must ? Filled(t) : $"not({Filled(t)})")}");
            named.Add(Key(t));
        }
        var all = string.Join(" and ", checks.Select(c => $"({c})"));
        return new(Rule(id, name, all, named.Distinct().ToList(), message), $"checked by the server: {all}");
    }

    /// <summary>One sentence "Wenn &lt;condition on F1&gt;, dann &lt;F2 must (not) be filled&gt;"; null when its wording is not one of FIM's.</summary>
    private static Sentence? Parse(string sentence, IReadOnlyDictionary<string, FimImporter.FimComponent> ids)
    {
        var at = sentence.IndexOf(" dann ", StringComparison.Ordinal);
        if (!sentence.TrimStart().StartsWith("Wenn ", StringComparison.Ordinal) || at < 0) return null;
        var left = sentence[..at];
        var right = sentence[at..];
        var sources = Ids.Matches(left).Select(m => m.Groups[1].Value).Distinct().ToList();
        var targets = Ids.Matches(right).Select(m => m.Groups[1].Value).Distinct().ToList();
        if (sources is not [var source] || targets is not [var target]) return null;
        if (Field(source, ids) is not { } field || !ids.TryGetValue(target, out var t) || t.InList || t.Ambiguous) return null;

        Condition? when = null;
        var wert = Regex.Match(left, @"(nicht )?der Wert (""""|""?(\w+)""?) angegeben", RegexOptions.None, Timeout);
        var compare = Regex.Match(left, @"(<>|=)\s*""?(\w+)", RegexOptions.None, Timeout);
        if (wert.Success)
        {
            var negated = wert.Groups[1].Success;
            when = wert.Groups[2].Value == "\"\"" ? new Condition(source, negated ? Op.Filled : Op.Empty, null)
                : new Condition(source, negated ? Op.Ne : Op.Eq, wert.Groups[3].Value);
        }
        else if (compare.Success) when = new Condition(source, compare.Groups[1].Value == "=" ? Op.Eq : Op.Ne, compare.Groups[2].Value);
        else if (Regex.IsMatch(left, @"\bnicht (befüllt|ausgefüllt|gefüllt)\b|\bleer\b(?<!nicht leer)", RegexOptions.None, Timeout) && !left.Contains("nicht leer", StringComparison.Ordinal))
            when = new Condition(source, Op.Empty, null);
        else if (Regex.IsMatch(left, @"\b(befüllt|ausgefüllt|gefüllt)\b|nicht leer", RegexOptions.None, Timeout))
            when = new Condition(source, Op.Filled, null);
        if (when is null) return null;
        if (when.Op is Op.Eq or Op.Ne && (string?)field.Component["type"] is not ("select" or "textfield" or "radio")) return null; // a code compared with a text value

        bool must;
        if (Regex.IsMatch(right, @"\bdarf\b.*\bnicht leer\b", RegexOptions.None, Timeout)) must = true;
        else if (Regex.IsMatch(right, @"\bdarf\b.*\bnicht (befüllt|ausgefüllt|gefüllt)\b", RegexOptions.None, Timeout)) must = false;
        else if (Regex.IsMatch(right, @"\bmuss\b.*\b(befüllt|ausgefüllt|gefüllt)\b|zum Pflichtfeld", RegexOptions.None, Timeout)) must = true;
        else return null;
        return new Sentence(when, target, must);
    }

    /// <summary>A single field outside repeatable lists (a group or a list's field names no single value).</summary>
    private static FimImporter.FimComponent? Field(string id, IReadOnlyDictionary<string, FimImporter.FimComponent> ids) =>
        ids.TryGetValue(id, out var c) && !c.IsGroup && !c.InList && !c.Ambiguous && c.Component["key"] is JsonValue ? c : null;

    private static string Key(FimImporter.FimComponent c) => (string)c.Component["key"]!;

    private static string Label(JsonObject c) => (string?)c["label"] ?? (string?)c["dateLabel"] ?? (string?)c["key"] ?? "?";

    /// <summary>
    /// FEEL: the field holds a value — a ticked checkbox, a number that is not null (FEEL compares a number with a text as
    /// null, so no <c>!= ""</c> there), any other field not null and not the empty text.
    /// </summary>
    private static string Filled(FimImporter.FimComponent c) => (string?)c.Component["type"] switch
    {
        "checkbox" => $"{Key(c)} = true",
        "number" => $"{Key(c)} != null",
        _ => $"({Key(c)} != null and {Key(c)} != \"\")",
    };

    private static string Feel(Condition c, FimImporter.FimComponent source) => c.Op switch
    {
        Op.Eq => $"{Key(source)} = \"{c.Value}\"",
        Op.Ne => $"{Key(source)} != \"{c.Value}\"",
        Op.Filled => Filled(source),
        _ => $"not({Filled(source)})",
    };

    private static JsonObject Rule(string id, string? name, string check, IReadOnlyList<string> fields, string message) => new()
    {
        ["id"] = id, ["name"] = name, ["check"] = "=" + check,
        ["fields"] = new JsonArray(fields.Select(f => (JsonNode)JsonValue.Create(f)!).ToArray()),
        ["message"] = message,
    };
}
