namespace EGov.Workflows.Model;

/// <summary>BPMN's tBaseElement: documentation and extension elements.</summary>
public abstract class BaseElement(ElementInit init) : BpmnElement(init)
{
    public IEnumerable<Documentation> Documentation => ChildrenOf<Documentation>();

    public ExtensionElements? ExtensionElements => Child<ExtensionElements>();

    /// <summary>The vendor elements inside extensionElements (camunda:properties, …).</summary>
    public IEnumerable<BpmnElement> ExtensionValues => ExtensionElements?.Elements() ?? [];

    public IEnumerable<BpmnElement> Extensions(System.Xml.Linq.XName name) => ExtensionValues.Where(e => e.Name == name);
}

/// <summary>A named BPMN element (most root and flow elements).</summary>
public interface INamed
{
    string? ElementName { get; }
}

public sealed class Documentation(ElementInit init) : BaseElement(init)
{
    public string TextFormat => Attribute("textFormat") ?? "text/plain";
}

public sealed class ExtensionElements(ElementInit init) : BaseElement(init);

/// <summary>tExpression / tFormalExpression: a body with an optional language.</summary>
public sealed class Expression(ElementInit init) : BaseElement(init)
{
    public string Body => Text.Trim();
    public string? Language => Attribute("language");
    public string? EvaluatesToTypeRef => Attribute("evaluatesToTypeRef");
    public bool IsEmpty => string.IsNullOrWhiteSpace(Text);
}

/// <summary>A BPMN element the model knows by name but treats generically (e.g. choreography, conversation, resource parts).</summary>
public sealed class GenericBpmnElement(ElementInit init) : BaseElement(init), INamed
{
    public string? ElementName => Attribute("name");
}
