using EGov.Workflows.Model;

namespace EGov.Workflows.Runtime.Graph;

/// <summary>
/// A camunda:inputParameter/outputParameter value: text (maybe ${...}), list, map, script, or null (an empty body).
/// Lists and maps nest in each other as deep as the model writes them.
/// </summary>
internal abstract record ParamValue
{
    /// <summary>An empty body: Camunda sets the variable to null, not to the empty string.</summary>
    public sealed record Null : ParamValue
    {
        public static readonly Null Instance = new();
    }

    public sealed record Text(string Value) : ParamValue;
    public sealed record List(IReadOnlyList<ParamValue> Items) : ParamValue;
    public sealed record Map(IReadOnlyList<KeyValuePair<string, ParamValue>> Entries) : ParamValue;
    public sealed record Script(string Format, string Source) : ParamValue;
}

internal sealed record Parameter(string Name, ParamValue Value);

/// <summary>An execution listener (start, end, take) with a script or an expression.</summary>
internal sealed record Listener(string Event, string? Script, string? Expression);

/// <summary>
/// A camunda:field value (Camunda 7 "Field Injection"): a fixed string (<c>stringValue</c> or <c>camunda:string</c>),
/// injected as written and never evaluated, or an expression (<c>expression</c> or <c>camunda:expression</c>),
/// evaluated each time the task runs.
/// </summary>
internal sealed record FieldValue(string Text, bool IsExpression);

/// <summary>camunda:in / camunda:out of a call activity.</summary>
internal sealed record VariableMapping(string? Source, string? SourceExpression, string? Target, bool All, bool Local, string? BusinessKey);

/// <summary>
/// The Camunda extension elements of a node, parsed once at deployment. Kept for as long as the version is deployed,
/// so what a node does not have is the one shared empty list or dictionary, not one of its own.
/// </summary>
internal sealed record Extensions
{
    // Before Empty: static fields initialise in order, and Empty's dictionaries are this one.
    private static readonly IReadOnlyDictionary<string, string> NoEntries = System.Collections.ObjectModel.ReadOnlyDictionary<string, string>.Empty;
    private static readonly IReadOnlyDictionary<string, FieldValue> NoFields = System.Collections.ObjectModel.ReadOnlyDictionary<string, FieldValue>.Empty;
    public static readonly Extensions Empty = new();
    public IReadOnlyList<Parameter> Inputs { get; init; } = [];
    public IReadOnlyList<Parameter> Outputs { get; init; } = [];
    public IReadOnlyList<Listener> Listeners { get; init; } = [];
    public IReadOnlyList<VariableMapping> In { get; init; } = [];
    public IReadOnlyList<VariableMapping> Out { get; init; } = [];
    public string? RetryTimeCycle { get; init; }
    public IReadOnlyDictionary<string, string> Properties { get; init; } = NoEntries;
    /// <summary>camunda:field values (fixed string or expression) for delegates that stand in for Java classes.</summary>
    public IReadOnlyDictionary<string, FieldValue> Fields { get; init; } = NoFields;
    public IReadOnlyList<Listener> TaskListeners { get; init; } = [];

    public static Extensions Read(BpmnElement element, List<string> problems)
    {
        if (element is not BaseElement be || be.ExtensionElements is null) return Empty;
        var inputs = new List<Parameter>();
        var outputs = new List<Parameter>();
        var listeners = new List<Listener>();
        var taskListeners = new List<Listener>();
        var ins = new List<VariableMapping>();
        var outs = new List<VariableMapping>();
        var props = new Dictionary<string, string>(StringComparer.Ordinal);
        var fields = new Dictionary<string, FieldValue>(StringComparer.Ordinal);
        string? retry = null;
        foreach (var x in be.ExtensionValues)
        {
            if (x.Name.Namespace != Namespaces.Camunda) continue;
            switch (x.Name.LocalName)
            {
                case "inputOutput":
                    foreach (var p in x.Elements())
                    {
                        var name = p.Attribute("name") ?? "";
                        if (p.Name.LocalName == "inputParameter") inputs.Add(new Parameter(name, Nested(p, $"input parameter '{name}'", problems)));
                        else if (p.Name.LocalName == "outputParameter") outputs.Add(new Parameter(name, Nested(p, $"output parameter '{name}'", problems)));
                    }
                    break;
                case "executionListener":
                    var ev = x.Attribute("event") ?? "start";
                    var script = x.Element(Namespaces.Camunda + "script");
                    if (script is not null) listeners.Add(new Listener(ev, script.Text, null));
                    else if (x.Attribute("expression") is { } expr) listeners.Add(new Listener(ev, null, expr));
                    else problems.Add($"execution listener '{ev}' uses {(x.Attribute("class") is not null ? "camunda:class (a Java class)" : "a delegate expression")}, which cannot run here: use a camunda:script (javascript)");
                    break;
                case "taskListener":
                    var tev = x.Attribute("event") ?? "create";
                    var tscript = x.Element(Namespaces.Camunda + "script");
                    if (tscript is not null) taskListeners.Add(new Listener(tev, tscript.Text, null));
                    else if (x.Attribute("expression") is { } texpr) taskListeners.Add(new Listener(tev, null, texpr));
                    else problems.Add($"task listener '{tev}' uses a Java class or delegate expression, which cannot run here: use a camunda:script (javascript)");
                    break;
                case "in":
                case "out":
                    var m = new VariableMapping(x.Attribute("source"), x.Attribute("sourceExpression"), x.Attribute("target"),
                        x.Attribute("variables") == "all", x.Attribute("local") == "true", x.Attribute("businessKey"));
                    (x.Name.LocalName == "in" ? ins : outs).Add(m);
                    break;
                case "failedJobRetryTimeCycle":
                    retry = x.Text.Trim();
                    break;
                case "properties":
                    foreach (var p in x.Elements()) if (p.Attribute("name") is { } n) props[n] = p.Attribute("value") ?? "";
                    break;
                case "field":
                    if (Field(x, problems) is { } field) fields[x.Attribute("name") ?? ""] = field;
                    break;
            }
        }
        if (inputs.Count + outputs.Count + listeners.Count + ins.Count + outs.Count + props.Count + fields.Count + taskListeners.Count == 0 && retry is null)
            return Empty; // extension elements of other vendors only
        return new Extensions
        {
            Inputs = Kept(inputs), Outputs = Kept(outputs), Listeners = Kept(listeners), In = Kept(ins), Out = Kept(outs),
            RetryTimeCycle = retry, Properties = props.Count == 0 ? NoEntries : props, Fields = fields.Count == 0 ? NoFields : fields,
            TaskListeners = Kept(taskListeners),
        };
    }

    /// <summary>
    /// A camunda:field as Camunda 7 reads it: <c>stringValue</c> or a <c>camunda:string</c> child is a fixed string (the
    /// child's text as written); <c>expression</c> or a <c>camunda:expression</c> child is an expression. An attribute
    /// and the child of the same kind together, or no value at all, is a problem.
    /// </summary>
    private static FieldValue? Field(BpmnElement field, List<string> problems)
    {
        var name = field.Attribute("name");
        if (string.IsNullOrEmpty(name)) { problems.Add("a camunda:field has no name"); return null; }
        var known = problems.Count;
        var fixedText = FieldText(field, "stringValue", "string", name, problems);
        if (fixedText is not null) return new FieldValue(fixedText, IsExpression: false);
        var expression = FieldText(field, "expression", "expression", name, problems);
        if (expression is not null) return new FieldValue(expression.Trim(), IsExpression: true);
        if (problems.Count == known) problems.Add($"camunda:field '{name}' has no value: give stringValue or expression (as an attribute or a camunda:string or camunda:expression element)");
        return null;
    }

    private static string? FieldText(BpmnElement field, string attribute, string element, string name, List<string> problems)
    {
        var value = field.Attribute(attribute);
        var child = field.Element(Namespaces.Camunda + element);
        if (value is not null && child is not null)
        {
            problems.Add($"camunda:field '{name}' has both the attribute {attribute} and a camunda:{element} element: use one");
            return null;
        }
        if (child is not null) return child.Text.Length > 0 ? child.Text : null;
        return string.IsNullOrEmpty(value) ? null : value;
    }

    /// <summary>The list as kept: the shared empty one, or trimmed to its entries.</summary>
    private static IReadOnlyList<T> Kept<T>(List<T> list)
    {
        if (list.Count == 0) return [];
        list.Capacity = list.Count;
        return list;
    }

    /// <summary>
    /// The value of an inputParameter, outputParameter or map entry, as Camunda reads it: its one child element
    /// (camunda:list, camunda:map, camunda:script), else its text (a constant or an expression); no text is null.
    /// </summary>
    private static ParamValue Nested(BpmnElement p, string what, List<string> problems)
    {
        BpmnElement? child = null;
        foreach (var e in p.Elements())
        {
            if (child is not null)
            {
                problems.Add($"{what} has more than one child element: a parameter holds one value (a camunda:list, camunda:map or camunda:script)");
                break;
            }
            child = e;
        }
        return child is null ? TextOf(p) : Item(child, problems);
    }

    /// <summary>
    /// A value element itself: a list (its child elements are its items, each of them a value element again), a map,
    /// a script, or any other element (camunda:value) whose text is the value. So lists and maps nest both ways.
    /// </summary>
    private static ParamValue Item(BpmnElement e, List<string> problems) => e.Name.LocalName switch
    {
        "list" => new ParamValue.List(e.Elements().Select(x => Item(x, problems)).ToList()),
        "map" => new ParamValue.Map(e.Elements().Select(x => Entry(x, problems)).ToList()),
        "script" => Script(e, problems),
        _ => TextOf(e),
    };

    private static KeyValuePair<string, ParamValue> Entry(BpmnElement entry, List<string> problems)
    {
        var key = entry.Attribute("key");
        if (string.IsNullOrEmpty(key)) problems.Add("a camunda:entry of a camunda:map has no key attribute");
        return new(key ?? "", Nested(entry, $"map entry '{key}'", problems));
    }

    private static ParamValue Script(BpmnElement e, List<string> problems)
    {
        if (string.IsNullOrWhiteSpace(e.Text) && e.Attribute("resource") is { } resource)
            problems.Add($"the parameter script loads camunda:script resource '{resource}', which is not supported: put the script inline");
        return new ParamValue.Script(e.Attribute("scriptFormat") ?? "javascript", e.Text);
    }

    private static ParamValue TextOf(BpmnElement e) =>
        e.Text.Trim() is { Length: > 0 } text ? new ParamValue.Text(text) : ParamValue.Null.Instance;
}
