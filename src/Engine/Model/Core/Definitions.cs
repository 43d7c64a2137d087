using EGov.Workflows.Model.Diagram;

namespace EGov.Workflows.Model;

/// <summary>The root of a BPMN file. Holds the id index over every BPMN and DI element.</summary>
public sealed class Definitions : BaseElement
{
    private readonly Lazy<IReadOnlyDictionary<string, BpmnElement>> _byId;

    public Definitions(ElementInit init) : base(init)
    {
        _byId = new Lazy<IReadOnlyDictionary<string, BpmnElement>>(() =>
        {
            var index = new Dictionary<string, BpmnElement>(StringComparer.Ordinal);
            foreach (var e in IdentifiedElements()) index.TryAdd(e.Id!, e);
            return index;
        });
    }

    public string? TargetNamespace => Attribute("targetNamespace");
    public string? ElementName => Attribute("name");
    public string? Exporter => Attribute("exporter");
    public string? ExporterVersion => Attribute("exporterVersion");
    public string ExpressionLanguage => Attribute("expressionLanguage") ?? "http://www.w3.org/1999/XPath";

    public IEnumerable<Import> Imports => ChildrenOf<Import>();
    public IEnumerable<Process> Processes => ChildrenOf<Process>();
    public IEnumerable<Collaboration> Collaborations => ChildrenOf<Collaboration>();
    public IEnumerable<Message> Messages => ChildrenOf<Message>();
    public IEnumerable<Signal> Signals => ChildrenOf<Signal>();
    public IEnumerable<Error> Errors => ChildrenOf<Error>();
    public IEnumerable<Escalation> Escalations => ChildrenOf<Escalation>();
    public IEnumerable<ItemDefinition> ItemDefinitions => ChildrenOf<ItemDefinition>();
    public IEnumerable<BpmnDiagram> Diagrams => ChildrenOf<BpmnDiagram>();

    /// <summary>Every element in the BPMN or DI namespaces that carries an id (foreign elements keep their own id space).</summary>
    public IEnumerable<BpmnElement> IdentifiedElements()
    {
        var list = new List<BpmnElement>();
        Collect(this, list);
        return list;
    }

    // One walk that stops at foreign elements: nothing at or below one is in the BPMN id space (reading a large catalogue
    // walked every element's ancestors before).
    private static void Collect(BpmnElement parent, List<BpmnElement> into)
    {
        foreach (var node in parent.Children)
        {
            if (node is not BpmnElement e || e.IsForeign) continue;
            if (!string.IsNullOrEmpty(e.Id)) into.Add(e);
            Collect(e, into);
        }
    }

    public BpmnElement? FindById(string? id) => id is not null && _byId.Value.TryGetValue(id, out var e) ? e : null;

    public T? Find<T>(string? id) where T : BpmnElement => FindById(id) as T;
}

/// <summary>Resolves a QName reference such as <c>tns:Message_1</c> to the local id.</summary>
public static class QNames
{
    public static string? LocalPart(string? qname)
    {
        if (string.IsNullOrWhiteSpace(qname)) return null;
        var trimmed = qname.Trim();
        var colon = trimmed.IndexOf(':', StringComparison.Ordinal);
        return colon >= 0 ? trimmed[(colon + 1)..] : trimmed;
    }
}
