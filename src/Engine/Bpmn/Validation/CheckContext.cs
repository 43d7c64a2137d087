using EGov.Workflows.Model.Diagnostics;
using EGov.Workflows.Model;

namespace EGov.Workflows.Bpmn.Validation;

/// <summary>
/// What every reference check needs: the model, where to report, and one way to resolve a reference so that
/// all checks agree on what "missing" means (a QName into an imported namespace is not ours to check).
/// </summary>
internal sealed class CheckContext(Definitions definitions, DiagnosticBag bag)
{
    public Definitions Definitions { get; } = definitions;
    public DiagnosticBag Bag { get; } = bag;

    private List<BpmnElement>? _modelElements;

    /// <summary>Every BPMN and DI element in file order, skipping foreign subtrees (vendor XML is not ours to check).
    /// Walked once and kept: several checks go through all of them.</summary>
    public IReadOnlyList<BpmnElement> ModelElements()
    {
        if (_modelElements is not null) return _modelElements;
        var list = new List<BpmnElement>();
        Walk(Definitions, list);
        return _modelElements = list;
    }

    private static void Walk(BpmnElement parent, List<BpmnElement> into)
    {
        foreach (var node in parent.Children)
        {
            if (node is not BpmnElement child || child.IsForeign) continue;
            into.Add(child);
            Walk(child, into);
        }
    }

    /// <summary>
    /// Checks that <paramref name="reference"/> names an element of type <typeparamref name="T"/>.
    /// Returns the element, or null when it is absent, of the wrong kind, or lives in another file.
    /// </summary>
    public T? Require<T>(BpmnElement owner, string what, string? reference, Severity severity = Severity.Error, string? expected = null,
        string missingNote = "")
        where T : BpmnElement
    {
        var id = QNames.LocalPart(reference);
        if (id is null) return null;
        var target = Definitions.FindById(id);
        if (target is null)
        {
            if (!IsExternal(owner, reference!))
                Report(severity, owner, $"{Describe(owner)}: {what} '{id}' does not exist{missingNote}");
            return null;
        }
        if (target is T typed) return typed;
        Report(severity, owner, $"{Describe(owner)}: {what} '{id}' is a {target.Name.LocalName}, expected {expected ?? Article(typeof(T).Name)}");
        return null;
    }

    /// <summary>Names an element for a message; one without an id (an event definition, a ref child) is named by its nearest identified ancestor.</summary>
    public static string Describe(BpmnElement e)
    {
        if (e.Id is not null) return e.ToString();
        var owner = e.Ancestors().FirstOrDefault(a => a.Id is not null);
        return owner is null ? e.Name.LocalName : $"{e.Name.LocalName} in {owner}";
    }

    public void Report(Severity severity, BpmnElement at, string message)
    {
        if (severity == Severity.Error) Bag.Error(at.Position, message);
        else Bag.Warning(at.Position, message);
    }

    /// <summary>
    /// A prefixed QName whose prefix is bound to a namespace other than this file's targetNamespace points
    /// into an imported file (BPMN imports, WSDL, XSD); we cannot and must not check it here.
    /// </summary>
    private bool IsExternal(BpmnElement owner, string reference)
    {
        var trimmed = reference.Trim();
        var colon = trimmed.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0) return false;
        var ns = LookupNamespace(owner, trimmed[..colon]);
        return ns is not null && ns != Definitions.TargetNamespace;
    }

    private static string? LookupNamespace(BpmnElement element, string prefix)
    {
        for (BpmnElement? e = element; e is not null; e = e.Parent)
            foreach (var a in e.Attributes)
                if (a.IsNamespaceDeclaration && a.Name.Namespace == System.Xml.Linq.XNamespace.Xmlns && a.Name.LocalName == prefix)
                    return a.Value;
        return null;
    }

    private static string Article(string typeName)
    {
        var name = typeName.EndsWith("Element", StringComparison.Ordinal) && typeName != "BpmnElement" ? typeName[..^7] : typeName;
        return ("AEIOU".Contains(name[0], StringComparison.Ordinal) ? "an " : "a ") + name;
    }
}
