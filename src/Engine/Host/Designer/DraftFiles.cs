using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using EGov.Workflows.Host.Api;
using EGov.Workflows.Scenarios.Loading;

namespace EGov.Workflows.Host.Designer;

/// <summary>
/// The files a designer draft keeps beside its model: the user-task forms edited in the form editor (form-js JSON, by the
/// file name a <c>camunda:formKey</c> names) and the scenarios written or recorded for it (YAML). Every one is read before
/// anything is kept: a bad name, a form that is no form-js JSON or a scenario the loader refuses → 422 naming the file and
/// where, nothing saved.
/// </summary>
public static partial class DraftFiles
{
    public const int MaxFiles = 50;
    public const int MaxChars = 1024 * 1024;

    /// <summary>The forms, checked: <c>NAME.form</c> → its JSON text (compact).</summary>
    public static IReadOnlyDictionary<string, string> Forms(IReadOnlyDictionary<string, JsonNode?> forms)
    {
        ArgumentNullException.ThrowIfNull(forms);
        Limit(forms.Count, "forms");
        var kept = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, node) in forms)
        {
            if (!FormName().IsMatch(name)) throw Refused($"'{name}' is no form file name (letters, digits, '.', '-', '_', ending in .form)");
            var text = node switch
            {
                JsonValue v when v.TryGetValue<string>(out var s) => s,
                null => throw Refused($"{name}: the form is empty"),
                _ => node.ToJsonString(),
            };
            if (text.Length > MaxChars) throw Refused($"{name}: the form is larger than {MaxChars / 1024} KiB");
            try { kept[name] = Host.Forms.FormCatalog.Parse(text, name).ToJsonString(); }
            catch (Runtime.DeploymentException e) { throw Refused(e.Message); }
        }
        return kept;
    }

    /// <summary>The scenarios, each read as <c>./egov test</c> reads it from <paramref name="folder"/> (its deploy paths are relative to it).</summary>
    public static IReadOnlyDictionary<string, string> Scenarios(IReadOnlyDictionary<string, string?> scenarios, string folder)
    {
        ArgumentNullException.ThrowIfNull(scenarios);
        Limit(scenarios.Count, "scenarios");
        var kept = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, text) in scenarios)
        {
            if (!ScenarioName().IsMatch(name)) throw Refused($"'{name}' is no scenario file name (letters, digits, '.', '-', '_', ending in .scenario.yaml)");
            if (string.IsNullOrWhiteSpace(text)) throw Refused($"{name}: the scenario is empty");
            if (text.Length > MaxChars) throw Refused($"{name}: the scenario is larger than {MaxChars / 1024} KiB");
            var loaded = ScenarioLoader.Load(text, name, Path.Combine(folder, name));
            if (!loaded.Ok) throw Refused(loaded.ErrorText);
            kept[name] = text;
        }
        return kept;
    }

    private static void Limit(int count, string what)
    {
        if (count > MaxFiles) throw Refused($"a draft keeps at most {MaxFiles} {what}");
    }

    private static ApiProblemException Refused(string detail) =>
        new(422, "Draft file refused", $"{detail}; nothing was saved", new Dictionary<string, object?> { ["errors"] = new[] { detail } });

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}\.form$")]
    private static partial Regex FormName();

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}\.scenario\.yaml$")]
    private static partial Regex ScenarioName();
}
