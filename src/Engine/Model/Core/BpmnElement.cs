using System.Xml.Linq;
using EGov.Workflows.Model.Xml;

namespace EGov.Workflows.Model;

/// <summary>What a reader hands to an element's constructor: the element exactly as it stood in the file.</summary>
/// <param name="Prefix">The namespace prefix the file used for this element (null when built in code); a writer reuses it, since a file may bind one namespace to several prefixes.</param>
public sealed record ElementInit(XName Name, IReadOnlyList<XmlAttribute> Attributes, IReadOnlyList<XmlNode> Children, SourcePosition Position, string? Prefix = null);

/// <summary>
/// Any element of a BPMN file — semantic, diagram or foreign. It keeps its name, every attribute and every
/// child in file order, so writing it back loses nothing; typed subclasses add BPMN meaning on top.
/// Immutable once built: the only write is the parent link, set once by the parent's constructor.
/// </summary>
public class BpmnElement : XmlNode
{
    private readonly Dictionary<XName, string>? _attributeIndex;

    public BpmnElement(ElementInit init)
    {
        Name = init.Name;
        Attributes = init.Attributes;
        Children = init.Children;
        Position = init.Position;
        Prefix = init.Prefix;
        if (init.Attributes.Count > 4)
        {
            _attributeIndex = new Dictionary<XName, string>(init.Attributes.Count);
            foreach (var a in init.Attributes) _attributeIndex.TryAdd(a.Name, a.Value);
        }
        foreach (var child in init.Children)
            if (child is BpmnElement e) e.Parent = this;
    }

    public XName Name { get; }

    /// <summary>The prefix the source file wrote for this element ("" for the default namespace), null when unknown.</summary>
    public string? Prefix { get; }
    public IReadOnlyList<XmlAttribute> Attributes { get; }
    public IReadOnlyList<XmlNode> Children { get; }
    public BpmnElement? Parent { get; private set; }

    /// <summary>The element's id attribute (unqualified), if any.</summary>
    public string? Id => Attribute(IdName);

    // Id is read for every element by the checks and the id index: one XName instead of a name-table lookup each time.
    private static readonly XName IdName = XName.Get("id");

    /// <summary>True when the element lies outside the BPMN and DI namespaces (vendor extensions).</summary>
    public bool IsForeign => !Namespaces.IsModelNamespace(Name.Namespace);

    public string? Attribute(string localName) => Attribute(XName.Get(localName));

    public string? Attribute(XName name)
    {
        if (_attributeIndex is not null) return _attributeIndex.GetValueOrDefault(name);
        foreach (var a in Attributes)
            if (a.Name == name) return a.Value;
        return null;
    }

    public string? CamundaAttribute(string localName) => Attribute(Namespaces.Camunda + localName);

    public bool BoolAttribute(string localName, bool defaultValue) =>
        Attribute(localName) is { } v ? v.Trim() == "true" || v.Trim() == "1" : defaultValue;

    public IEnumerable<BpmnElement> Elements() => Children.OfType<BpmnElement>();

    public IEnumerable<BpmnElement> Elements(XName name) => Elements().Where(e => e.Name == name);

    public IEnumerable<T> ChildrenOf<T>() where T : BpmnElement => Children.OfType<T>();

    public T? Child<T>() where T : BpmnElement => Children.OfType<T>().FirstOrDefault();

    public BpmnElement? Element(XName name) => Elements().FirstOrDefault(e => e.Name == name);

    /// <summary>All elements below this one, depth first, in file order.</summary>
    /// <remarks>
    /// One iterator with a stack of the open elements, not an iterator per level: nested iterators pass every element up
    /// through every level above it (the outlines and checks of a processes folder of hundreds of models walk every tree).
    /// </remarks>
    public IEnumerable<BpmnElement> Descendants()
    {
        var open = new Stack<(IReadOnlyList<XmlNode> Children, int Next)>();
        var children = Children;
        var next = 0;
        while (true)
        {
            if (next < children.Count)
            {
                if (children[next++] is not BpmnElement e) continue;
                yield return e;
                if (e.Children.Count == 0) continue;
                open.Push((children, next));
                (children, next) = (e.Children, 0);
            }
            else if (open.Count > 0) (children, next) = open.Pop();
            else yield break;
        }
    }

    public IEnumerable<BpmnElement> Ancestors()
    {
        for (var p = Parent; p is not null; p = p.Parent) yield return p;
    }

    /// <summary>The concatenated character data directly inside this element.</summary>
    public string Text => string.Concat(Children.OfType<XmlText>().Select(t => t.Value));

    /// <summary>The definitions this element belongs to (null for a detached fragment).</summary>
    public Definitions? Definitions => this as Definitions ?? Ancestors().OfType<Definitions>().FirstOrDefault();

    public override string ToString() => Id is null ? Name.LocalName : $"{Name.LocalName} '{Id}'";
}

/// <summary>An element of another namespace (camunda:, signavio:, adonis:, …), kept verbatim.</summary>
public sealed class ForeignElement(ElementInit init) : BpmnElement(init);

/// <summary>An element in the BPMN or DI namespace that the model does not know (vendor XML in our namespace); kept verbatim.</summary>
public sealed class UnknownElement(ElementInit init) : BpmnElement(init);
