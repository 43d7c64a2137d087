using System.Reflection;
using System.Text.Json.Nodes;
using EGov.Workflows.Sdk;

namespace EGov.Workflows.Host.Designer;

/// <summary>
/// Camunda 7 element templates (JSON, the schema of <c>@camunda/element-templates-json-schema</c>) generated from the SDK
/// declarations of the activities an engine has: one template per activity, named by its <see cref="ActivityAttribute.Title"/>
/// (else its description, else its name), that binds <c>egov:activity</c> and offers one field per declared input
/// (<c>camunda:inputParameter</c>) and per declared output (<c>camunda:outputParameter</c>, the variable it is written to).
/// The designer offers them in its properties panel, so an analyst picks "Gebühr berechnen" instead of typing attributes.
/// </summary>
public static class ElementTemplates
{
    public const string Schema = "https://unpkg.com/@camunda/element-templates-json-schema/resources/schema.json";

    /// <summary>The template id of an activity: <c>de.egov-workflows.activity.NAME</c>.</summary>
    public static string IdOf(string activityName) => $"de.egov-workflows.activity.{activityName}";

    /// <summary>A template per registered activity, sorted by name.</summary>
    public static JsonArray For(ActivityRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        var list = new JsonArray();
        foreach (var reg in registry.All.OrderBy(r => r.Name, StringComparer.Ordinal)) list.Add(For(reg));
        return list;
    }

    public static JsonObject For(ActivityRegistration reg)
    {
        ArgumentNullException.ThrowIfNull(reg);
        var attr = reg.Type.GetCustomAttribute<ActivityAttribute>();
        var (inputs, outputs) = Declared(reg);
        var name = attr?.Title ?? attr?.Description ?? reg.Name;
        var about = new List<string>();
        if (attr?.Title is not null && attr.Description is not null) about.Add(attr.Description);
        about.Add($"Eigene Aktivität „{reg.Name}“" + (reg.Pack is { } p ? $" aus dem Paket {p.Name} {p.Version}." : "."));
        if (reg.Topic is not null) about.Add($"Dient auch dem Thema (topic) „{reg.Topic}“.");

        var properties = new JsonArray
        {
            new JsonObject
            {
                ["type"] = "Hidden",
                ["value"] = reg.Name,
                ["binding"] = new JsonObject { ["type"] = "property", ["name"] = "egov:activity" },
            },
        };
        foreach (var input in inputs)
        {
            var property = new JsonObject
            {
                ["label"] = input.Required ? $"{input.Name} (Pflicht)" : input.Name,
                ["description"] = Describe(input, input.Required
                    ? "Ausdruck oder Wert; vorgegeben: die Prozessvariable gleichen Namens"
                    : "Ausdruck oder Wert; leer: nicht gesetzt"),
                ["type"] = "String",
                ["group"] = "eingaben",
                ["binding"] = new JsonObject { ["type"] = "camunda:inputParameter", ["name"] = input.Name },
            };
            if (input.Required)
            {
                property["value"] = "${" + input.Name + "}";
                property["constraints"] = new JsonObject { ["notEmpty"] = true };
            }
            properties.Add(property);
        }
        foreach (var output in outputs)
            properties.Add(new JsonObject
            {
                ["label"] = $"Ergebnis {output.Name} in Variable",
                ["description"] = Describe(output, "Name der Prozessvariablen, in die das Ergebnis geschrieben wird"),
                ["type"] = "String",
                ["value"] = output.Name,
                ["group"] = "ergebnisse",
                ["binding"] = new JsonObject { ["type"] = "camunda:outputParameter", ["source"] = "${" + output.Name + "}" },
                ["constraints"] = new JsonObject { ["notEmpty"] = true },
            });

        var groups = new JsonArray();
        if (inputs.Count > 0) groups.Add(new JsonObject { ["id"] = "eingaben", ["label"] = "Eingaben" });
        if (outputs.Count > 0) groups.Add(new JsonObject { ["id"] = "ergebnisse", ["label"] = "Ergebnisse" });
        var template = new JsonObject
        {
            ["$schema"] = Schema,
            ["name"] = name,
            ["id"] = IdOf(reg.Name),
            ["version"] = 1,
            ["description"] = string.Join(" ", about),
            ["appliesTo"] = new JsonArray("bpmn:Task"),
            ["elementType"] = new JsonObject { ["value"] = "bpmn:ServiceTask" },
            ["keywords"] = new JsonArray(reg.Name, "egov"),
            ["properties"] = properties,
        };
        if (groups.Count > 0) template["groups"] = groups;
        return template;
    }

    private static string Describe(ActivityParameter p, string how)
    {
        var type = p.Type == ActivityValueType.Any ? "" : $" [{TypeName(p.Type)}]";
        return p.Description is { Length: > 0 } d ? $"{d}{type}. {how}" : $"{how}{type}";
    }

    private static string TypeName(ActivityValueType t) => t switch
    {
        ActivityValueType.String => "Text",
        ActivityValueType.Number => "Zahl",
        ActivityValueType.Boolean => "Ja/Nein",
        ActivityValueType.Object => "Objekt",
        ActivityValueType.Array => "Liste",
        ActivityValueType.Date => "Datum JJJJ-MM-TT",
        _ => "beliebig",
    };

    /// <summary>The declared inputs and outputs; an activity that cannot be created here (missing services) declares none.</summary>
    private static (IReadOnlyList<ActivityParameter> Inputs, IReadOnlyList<ActivityParameter> Outputs) Declared(ActivityRegistration reg)
    {
        try
        {
            var activity = reg.Create();
            return (activity.Inputs, activity.Outputs);
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException or MissingMethodException or TargetInvocationException)
        {
            return ([], []);
        }
    }
}
