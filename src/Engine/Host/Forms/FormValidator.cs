using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace EGov.Workflows.Host.Forms;

/// <summary>A field the server refused, named by its key, with a German message for the person who filled the form.</summary>
public sealed record FieldError(string Field, string Message);

/// <summary>
/// Checks submitted values against a form-js schema on the server (a browser is not a trust boundary): for every
/// input component with a <c>key</c> — required, the value's type (text, number, boolean, date, list), pattern, minimum
/// and maximum, minimum and maximum length, and for select, radio, checklist and taglist the offered options. A key the
/// form does not have is refused; read-only and disabled fields are not taken from the submission at all. A component
/// (or a group around it) with <c>conditional.hide</c> is hidden when its FEEL expression is true for the form's data
/// (the variables it was prefilled with, overlaid by the submission), as form-js decides in the browser: a hidden field
/// is neither required nor taken. A condition the engine's FEEL cannot read leaves the field optional but checked.
/// A group with a <c>path</c> nests its fields as form-js does: the group <c>adresse</c> with the field <c>strasse</c> is
/// submitted (and prefilled) as <c>{"adresse": {"strasse": …}}</c>, its errors are named <c>adresse.strasse</c>; a group
/// without a path is only a frame (its fields are flat).
/// </summary>
public static class FormValidator
{
    private static readonly TimeSpan PatternTimeout = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// The input components of a schema (inside groups and columns too), by key. A dynamic list (<c>dynamiclist</c>) is one
    /// field named by its <c>path</c> (a list of entries); the keys inside it are its entries' and not listed here.
    /// A field nested by groups with a <c>path</c> is a copy whose <c>key</c> is the dotted path (<c>adresse.strasse</c>) and
    /// whose <c>egov:path</c> holds its segments (<see cref="PathOf"/>; read and write values with <see cref="TryRead"/> and <see cref="Write"/>).
    /// </summary>
    public static IReadOnlyList<JsonObject> Fields(JsonObject schema)
    {
        ArgumentNullException.ThrowIfNull(schema);
        var list = new List<Collected>();
        Collect(schema["components"] as JsonArray, [], [], list);
        return list.Select(f =>
        {
            var field = IsList(f.Field) ? new JsonObject { ["key"] = Str(f.Field, "path"), ["type"] = "dynamiclist" } : f.Field;
            if (f.Path.Count == 1) return field;
            var copy = (JsonObject)field.DeepClone();
            copy["key"] = string.Join('.', f.Path);
            copy["egov:path"] = new JsonArray(f.Path.Select(x => (JsonNode?)JsonValue.Create(x)).ToArray());
            return copy;
        }).ToList();
    }

    /// <summary>Where a field of <see cref="Fields"/> keeps its value: the segments of its nesting, or its key alone.</summary>
    public static IReadOnlyList<string> PathOf(JsonObject field)
    {
        ArgumentNullException.ThrowIfNull(field);
        return field["egov:path"] is JsonArray a ? a.Select(x => x!.GetValue<string>()).ToList() : [Str(field, "key") ?? ""];
    }

    /// <summary>The value at <paramref name="path"/> in nested objects; false when a segment is missing or not an object.</summary>
    public static bool TryRead(JsonObject? data, IReadOnlyList<string> path, out JsonNode? value)
    {
        ArgumentNullException.ThrowIfNull(path);
        value = null;
        var o = data;
        for (var i = 0; i < path.Count; i++)
        {
            if (o is null || !o.TryGetPropertyValue(path[i], out var next)) return false;
            if (i == path.Count - 1) { value = next; return true; }
            o = next as JsonObject;
        }
        return false;
    }

    /// <summary>Sets <paramref name="value"/> at <paramref name="path"/>, creating the objects on the way (a non-object on the way is replaced).</summary>
    public static void Write(JsonObject data, IReadOnlyList<string> path, JsonNode? value)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(path);
        var o = data;
        for (var i = 0; i < path.Count - 1; i++)
        {
            if (o[path[i]] is not JsonObject inner) o[path[i]] = inner = [];
            o = inner;
        }
        o[path[^1]] = value;
    }

    /// <summary>Copies <paramref name="source"/> into <paramref name="target"/>, objects merged member by member (a nested group keeps its other fields).</summary>
    public static void Merge(JsonObject target, JsonObject source)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(source);
        foreach (var (key, value) in source)
        {
            if (value is JsonObject inner && target[key] is JsonObject existing) Merge(existing, inner);
            else target[key] = value?.DeepClone();
        }
    }

    /// <summary>A collected input component: itself, the hide conditions around it, the path its value is kept under.</summary>
    private sealed record Collected(JsonObject Field, IReadOnlyList<string> Hide, IReadOnlyList<string> Path)
    {
        public string Name => string.Join('.', Path);
    }

    /// <summary>A group's <c>path</c> (form-js: the fields inside are nested under it; dots nest deeper), or none.</summary>
    private static IReadOnlyList<string> GroupPath(JsonObject c) =>
        Str(c, "type") == "group" && Str(c, "path") is { Length: > 0 } p ? p.Split('.', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) : [];

    /// <summary>A form-js dynamic list with a path: its value is a list of entries, each checked against the list's components.</summary>
    private static bool IsList(JsonObject c) => Str(c, "type") == "dynamiclist" && Str(c, "path") is { Length: > 0 };

    /// <summary>The key a field's value is submitted under: its key, or a dynamic list's path.</summary>
    private static string KeyOf(JsonObject c) => IsList(c) ? Str(c, "path")! : Str(c, "key")!;

    /// <summary>
    /// The input components with the <c>conditional.hide</c> expressions of themselves and the groups around them, and the
    /// path of their value (the <c>path</c>s of the groups around them, then their key).
    /// </summary>
    private static void Collect(JsonArray? components, IReadOnlyList<string> outer, IReadOnlyList<string> prefix, List<Collected> into)
    {
        if (components is null) return;
        foreach (var c in components.OfType<JsonObject>())
        {
            var hide = Str(c["conditional"] as JsonObject, "hide") is { Length: > 0 } h ? [.. outer, h] : outer;
            if (IsList(c)) { into.Add(new(c, hide, [.. prefix, KeyOf(c)])); continue; } // its components are its entries' fields
            if (Str(c, "key") is { Length: > 0 } key && IsInput(Str(c, "type"))) into.Add(new(c, hide, [.. prefix, key]));
            Collect(c["components"] as JsonArray, hide, [.. prefix, .. GroupPath(c)], into);
        }
    }

    /// <summary>
    /// Whether form-js hides a component: true when one of its <c>conditional.hide</c> expressions (form-js writes FEEL
    /// with a leading <c>=</c>) is true for the data, false when none is, null when one cannot be compiled or evaluated.
    /// </summary>
    private static bool? Hidden(IReadOnlyList<string> hide, IReadOnlyDictionary<string, object?> data)
    {
        var unknown = false;
        foreach (var text in hide)
        {
            var expression = text.TrimStart();
            if (expression.StartsWith('=')) expression = expression[1..];
            try
            {
                var result = Feel.FeelEngine.Default.CompileExpression(expression).Evaluate(data);
                if (result is true) return true;
                if (result is not false and not null) unknown = true;
            }
            catch (Exception e) when (e is not (OutOfMemoryException or StackOverflowException or InsufficientExecutionStackException)) { unknown = true; }
        }
        return unknown ? null : false;
    }

    /// <summary>
    /// The data form-js evaluates conditions with: the form's fields prefilled (variables, else defaults), overlaid by the
    /// submission; a nested field's value inside its group's object (FEEL reads it as <c>adresse.strasse</c>).
    /// </summary>
    private static Dictionary<string, object?> Data(IReadOnlyList<Collected> fields, JsonObject? variables, JsonObject submitted)
    {
        var merged = new JsonObject();
        foreach (var f in fields)
        {
            var editable = !(Bool(f.Field, "readonly") || Bool(f.Field, "disabled") || Str(f.Field, "type") == "expression");
            if (editable && TryRead(submitted, f.Path, out var given)) Write(merged, f.Path, given?.DeepClone());
            else if (TryRead(variables, f.Path, out var known)) Write(merged, f.Path, known?.DeepClone());
            else if (f.Field["defaultValue"] is { } d) Write(merged, f.Path, d.DeepClone());
            else if (!TryRead(merged, f.Path, out _)) Write(merged, f.Path, null);
        }
        var data = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var (key, value) in merged) data[key] = Feel.Values.FeelJson.FromJson(value);
        return data;
    }

    private static bool IsInput(string? type) => type is "textfield" or "textarea" or "number" or "checkbox" or "checklist" or "radio"
        or "select" or "taglist" or "datetime" or "expression" or "filepicker";

    /// <summary>
    /// Validates <paramref name="submitted"/> and returns the values to write (read-only, disabled and computed fields
    /// removed) and every field error (empty when the submission is valid).
    /// </summary>
    /// <param name="variables">The instance's variables the form was prefilled with (for <c>conditional.hide</c>).</param>
    public static (JsonObject Values, IReadOnlyList<FieldError> Errors) Validate(JsonObject schema, JsonObject? submitted, JsonObject? variables = null)
    {
        ArgumentNullException.ThrowIfNull(schema);
        return Validate(schema["components"] as JsonArray, submitted, variables, schema["egov:rules"] as JsonArray);
    }

    private static (JsonObject Values, IReadOnlyList<FieldError> Errors) Validate(JsonArray? components, JsonObject? submitted, JsonObject? variables, JsonArray? rules)
    {
        var all = new List<Collected>();
        Collect(components, [], [], all);
        var fields = all.GroupBy(f => f.Name, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        var groups = all.SelectMany(f => Enumerable.Range(1, f.Path.Count - 1).Select(n => string.Join('.', f.Path.Take(n)))).ToHashSet(StringComparer.Ordinal);
        var errors = new List<FieldError>();
        var values = new JsonObject();
        submitted ??= [];
        Unknown(submitted, "", fields, groups, errors);
        var data = Data(all, variables, submitted);
        foreach (var (key, (f, hide, path)) in fields)
        {
            var label = Str(f, "label") is { Length: > 0 } l ? l : key;
            if (Bool(f, "readonly") || Bool(f, "disabled") || Str(f, "type") == "expression") continue; // never taken from the browser
            var hidden = hide.Count == 0 ? false : Hidden(hide, data);
            if (hidden is true) continue; // form-js neither shows nor submits it
            TryRead(submitted, path, out var value);
            if (IsList(f))
            {
                var (list, listErrors) = Entries(f, label, key, value, hidden is false);
                errors.AddRange(listErrors);
                if (list is not null && listErrors.Count == 0) Write(values, path, list);
                continue;
            }
            var v = f["validate"] as JsonObject;
            var required = v is not null && Bool(v, "required") && hidden is false;
            if (IsEmpty(value, Str(f, "type")))
            {
                if (required) errors.Add(new FieldError(key, $"„{label}“ ist ein Pflichtfeld."));
                else if (value is not null) Write(values, path, value.DeepClone());
                continue;
            }
            var error = Check(f, label, value!, v);
            if (error is not null) errors.Add(new FieldError(key, error));
            else Write(values, path, value!.DeepClone());
        }
        if (rules is not null) errors.AddRange(Rules(rules, data));
        return (values, errors);
    }

    /// <summary>
    /// The submitted names that are no field of the form: a key of no field, or a group's path with something other than an
    /// object (or null) as its value. Nested names are dotted (<c>adresse.plz</c>).
    /// </summary>
    private static void Unknown(JsonObject submitted, string prefix, Dictionary<string, Collected> fields, HashSet<string> groups, List<FieldError> errors)
    {
        foreach (var (key, value) in submitted)
        {
            var name = prefix + key;
            if (fields.ContainsKey(name)) continue;
            if (!groups.Contains(name)) errors.Add(new FieldError(name, $"Das Feld „{name}“ gehört nicht zu diesem Formular."));
            else if (value is JsonObject inner) Unknown(inner, name + ".", fields, groups, errors);
            else if (value is not null) errors.Add(new FieldError(name, $"„{name}“ ist eine Gruppe des Formulars: ihr Wert muss ein Objekt mit ihren Feldern sein."));
        }
    }

    /// <summary>
    /// A dynamic list's entries: a list of objects, as many as <c>validate.minItems</c>/<c>maxItems</c> allow (the list is
    /// required when minItems ≥ 1 and it is shown), each checked against the list's components; errors are named
    /// <c>path[index].key</c> (index from 0). Null values: nothing submitted.
    /// </summary>
    private static (JsonArray? Values, List<FieldError> Errors) Entries(JsonObject f, string label, string key, JsonNode? value, bool shown)
    {
        var errors = new List<FieldError>();
        var v = f["validate"] as JsonObject;
        var min = Num(v, "minItems") ?? 0;
        if (value is null || value is JsonArray { Count: 0 })
        {
            if (min > 0 && shown) errors.Add(new FieldError(key, $"„{label}“: bitte mindestens {min} Eintrag/Einträge angeben."));
            return (value is null ? null : [], errors);
        }
        if (value is not JsonArray items)
        {
            errors.Add(new FieldError(key, $"„{label}“ muss eine Liste von Einträgen sein."));
            return (null, errors);
        }
        if (items.Count < min) errors.Add(new FieldError(key, $"„{label}“: bitte mindestens {min} Eintrag/Einträge angeben."));
        if (Num(v, "maxItems") is { } max && items.Count > max) errors.Add(new FieldError(key, $"„{label}“: höchstens {max} Einträge."));
        var list = new JsonArray();
        for (var i = 0; i < items.Count; i++)
        {
            if (items[i] is not JsonObject entry)
            {
                errors.Add(new FieldError($"{key}[{i}]", $"„{label}“: Eintrag {i + 1} muss ein Objekt mit den Feldern der Liste sein."));
                continue;
            }
            var (entryValues, entryErrors) = Validate(f["components"] as JsonArray, entry, null, null);
            errors.AddRange(entryErrors.Select(e => new FieldError($"{key}[{i}].{e.Field}", $"Eintrag {i + 1}: {e.Message}")));
            list.Add(entryValues);
        }
        return (list, errors);
    }

    /// <summary>
    /// Rules across fields (<c>egov:rules</c> of the schema, e.g. imported from FIM Regeln): each <c>check</c> is a FEEL
    /// expression over the form's data that must be true; otherwise the rule's German message is an error on its first field.
    /// A check that cannot be evaluated counts as not met (deny by default).
    /// </summary>
    private static IEnumerable<FieldError> Rules(JsonArray rules, IReadOnlyDictionary<string, object?> data)
    {
        foreach (var rule in rules.OfType<JsonObject>())
        {
            var check = Str(rule, "check")?.TrimStart() ?? "";
            if (check.StartsWith('=')) check = check[1..];
            object? result;
            try { result = check.Length == 0 ? null : Feel.FeelEngine.Default.CompileExpression(check).Evaluate(data); }
            catch (Exception e) when (e is not (OutOfMemoryException or StackOverflowException or InsufficientExecutionStackException)) { result = null; }
            if (result is true) continue;
            var field = (rule["fields"] as JsonArray)?.FirstOrDefault() is JsonValue fv && fv.TryGetValue<string>(out var name) ? name : Str(rule, "id") ?? "form";
            yield return new FieldError(field, Str(rule, "message") ?? $"Die Regel {Str(rule, "id")} ist nicht erfüllt.");
        }
    }

    private static bool IsEmpty(JsonNode? value, string? type) => value switch
    {
        null => true,
        JsonValue s when s.TryGetValue<string>(out var text) => text.Length == 0,
        JsonValue b when type == "checkbox" && b.TryGetValue<bool>(out var flag) => !flag, // form-js: a required checkbox must be ticked
        JsonArray a => a.Count == 0,
        _ => false,
    };

    private static string? Check(JsonObject f, string label, JsonNode value, JsonObject? v)
    {
        var type = Str(f, "type");
        switch (type)
        {
            case "textfield" or "textarea":
                if (value is not JsonValue tv || !tv.TryGetValue<string>(out var text)) return $"„{label}“ muss ein Text sein.";
                return Lengths(label, text, v) ?? Pattern(label, text, v);
            case "number":
                decimal n;
                if (value is JsonValue nv && nv.TryGetValue<decimal>(out var d)) n = d;
                else if (value is JsonValue sv && sv.TryGetValue<string>(out var s) && decimal.TryParse(s, NumberStyles.Number, CultureInfo.InvariantCulture, out var p)) n = p;
                else return $"„{label}“ muss eine Zahl sein.";
                if (Num(v, "min") is { } min && n < min) return $"„{label}“ muss mindestens {min.ToString(CultureInfo.InvariantCulture).Replace('.', ',')} sein.";
                if (Num(v, "max") is { } max && n > max) return $"„{label}“ darf höchstens {max.ToString(CultureInfo.InvariantCulture).Replace('.', ',')} sein.";
                if (Num(f, "decimalDigits") is { } digits && decimal.Round(n, (int)digits) != n) return $"„{label}“ hat zu viele Nachkommastellen (höchstens {digits}).";
                return null;
            case "checkbox":
                return value is JsonValue bv && bv.TryGetValue<bool>(out _) ? null : $"„{label}“ muss angekreuzt oder nicht angekreuzt sein (true oder false).";
            case "radio" or "select":
                if (value is not JsonValue) return $"„{label}“: bitte genau eine der angebotenen Möglichkeiten wählen.";
                return Offered(f, value) is false ? $"„{label}“: „{Show(value)}“ ist keine der angebotenen Möglichkeiten." : null;
            case "checklist" or "taglist":
                if (value is not JsonArray items) return $"„{label}“ muss eine Liste der angebotenen Möglichkeiten sein.";
                foreach (var item in items)
                    if (item is null || Offered(f, item) is false) return $"„{label}“: „{Show(item)}“ ist keine der angebotenen Möglichkeiten.";
                return null;
            case "datetime":
                if (value is not JsonValue dv || !dv.TryGetValue<string>(out var dt)) return $"„{label}“ muss ein Datum sein.";
                return Str(f, "subtype") switch
                {
                    "time" => TimeOnly.TryParseExact(dt, ["HH:mm", "HH:mm:ss"], CultureInfo.InvariantCulture, DateTimeStyles.None, out _) ? null : $"„{label}“ muss eine Uhrzeit (HH:MM) sein.",
                    "datetime" => DateTimeOffset.TryParse(dt, CultureInfo.InvariantCulture, DateTimeStyles.None, out _) ? null : $"„{label}“ muss Datum und Uhrzeit sein.",
                    _ => DateOnly.TryParseExact(dt, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _) ? null : $"„{label}“ muss ein Datum (JJJJ-MM-TT) sein.",
                };
            default:
                return null;
        }
    }

    private static string? Lengths(string label, string text, JsonObject? v)
    {
        if (Num(v, "minLength") is { } min && text.Length < min) return $"„{label}“ muss mindestens {min} Zeichen lang sein.";
        if (Num(v, "maxLength") is { } max && text.Length > max) return $"„{label}“ darf höchstens {max} Zeichen lang sein.";
        return null;
    }

    private static string? Pattern(string label, string text, JsonObject? v)
    {
        var pattern = v is null ? null : Str(v, "pattern");
        if (Str(v, "validationType") is "email") pattern = @"^[^\s@]+@[^\s@]+\.[^\s@]+$";
        else if (Str(v, "validationType") is "phone") pattern = @"^\+?[0-9 ()/-]{3,}$";
        if (string.IsNullOrEmpty(pattern)) return null;
        try
        {
            var whole = pattern.StartsWith('^') ? pattern : "^(?:" + pattern + ")$"; // form-js matches the whole value
            return Regex.IsMatch(text, whole, RegexOptions.CultureInvariant, PatternTimeout) ? null : $"„{label}“ hat nicht die verlangte Form.";
        }
        catch (ArgumentException) { return $"„{label}“ kann nicht geprüft werden: das Muster des Formulars ist ungültig."; }
        catch (RegexMatchTimeoutException) { return $"„{label}“ kann nicht geprüft werden (Zeitlimit der Musterprüfung)."; }
    }

    /// <summary>True/false when the component offers static options (values), null when they are dynamic (valuesKey).</summary>
    private static bool? Offered(JsonObject f, JsonNode value)
    {
        if (f["values"] is not JsonArray options) return null;
        return options.OfType<JsonObject>().Any(o => JsonNode.DeepEquals(o["value"], value)
            || o["value"] is JsonValue ov && ov.TryGetValue<string>(out var s) && value is JsonValue vv && vv.ToJsonString().Trim('"') == s);
    }

    private static string Show(JsonNode? value) => value is JsonValue v && v.TryGetValue<string>(out var s) ? s : value?.ToJsonString() ?? "null";

    private static string? Str(JsonObject? o, string name) => o?[name] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    private static bool Bool(JsonObject o, string name) => o[name] is JsonValue v && v.TryGetValue<bool>(out var b) && b;

    private static decimal? Num(JsonObject? o, string name) => o?[name] is JsonValue v && v.TryGetValue<decimal>(out var d) ? d : null;
}
