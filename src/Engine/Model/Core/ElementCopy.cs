using EGov.Workflows.Model.Xml;

namespace EGov.Workflows.Model;

/// <summary>
/// Detached copies of model elements: a part of a model that must outlive the rest. Every element links to its
/// parent, so keeping one element of a file keeps the whole file (diagram, documentation, every attribute) alive;
/// a copy has no parent and holds only the children it was given.
/// </summary>
public static class ElementCopy
{
    /// <summary>
    /// Copies <paramref name="element"/> and, at every depth, the child nodes <paramref name="select"/> returns: the
    /// child itself, another node in its place (e.g. the target of a reference), or null to leave it out. The copies
    /// are typed as the reader would type them; attributes and texts are shared with the original (both immutable).
    /// </summary>
    public static BpmnElement Detached(BpmnElement element, Func<XmlNode, XmlNode?> select)
    {
        ArgumentNullException.ThrowIfNull(element);
        ArgumentNullException.ThrowIfNull(select);
        return Copy(element, select);
    }

    private static BpmnElement Copy(BpmnElement element, Func<XmlNode, XmlNode?> select)
    {
        List<XmlNode>? children = null;
        foreach (var child in element.Children)
        {
            var chosen = select(child);
            if (chosen is null) continue;
            children ??= [];
            children.Add(chosen is BpmnElement e ? Copy(e, select) : chosen);
        }
        XmlNode[] kept = children is null ? [] : [.. children];
        return ElementFactory.Create(new ElementInit(element.Name, element.Attributes, kept, element.Position, element.Prefix));
    }
}
