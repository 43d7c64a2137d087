namespace EGov.Workflows.Model;

public abstract class Artifact(ElementInit init) : BaseElement(init);

public sealed class TextAnnotation(ElementInit init) : Artifact(init)
{
    public string TextFormat => Attribute("textFormat") ?? "text/plain";
    public string? Content => Element(Namespaces.Bpmn + "text")?.Text;
}

public sealed class Group(ElementInit init) : Artifact(init)
{
    public string? CategoryValueRef => QNames.LocalPart(Attribute("categoryValueRef"));
}

public sealed class Association(ElementInit init) : Artifact(init)
{
    public string? SourceRef => QNames.LocalPart(Attribute("sourceRef"));
    public string? TargetRef => QNames.LocalPart(Attribute("targetRef"));
    public string AssociationDirection => Attribute("associationDirection") ?? "None";
}
