namespace EGov.Workflows.Model;

/// <summary>Tasks, subprocesses and call activities: work with loop characteristics, data and boundary events.</summary>
public abstract class Activity(ElementInit init) : FlowNode(init)
{
    public bool IsForCompensation => BoolAttribute("isForCompensation", false);
    public int StartQuantity => int.TryParse(Attribute("startQuantity"), out var q) ? q : 1;
    public int CompletionQuantity => int.TryParse(Attribute("completionQuantity"), out var q) ? q : 1;
    /// <summary>The default flow for conditional flows out of this activity.</summary>
    public string? Default => Attribute("default");
    public LoopCharacteristics? LoopCharacteristics => Child<LoopCharacteristics>();
    public IoSpecification? IoSpecification => Child<IoSpecification>();
    public IEnumerable<Property> Properties => ChildrenOf<Property>();
    public IEnumerable<DataInputAssociation> DataInputAssociations => ChildrenOf<DataInputAssociation>();
    public IEnumerable<DataOutputAssociation> DataOutputAssociations => ChildrenOf<DataOutputAssociation>();

    /// <summary>The boundary events attached to this activity (they stand beside it in the same container).</summary>
    public IEnumerable<BoundaryEvent> BoundaryEvents =>
        Container?.FlowElements.OfType<BoundaryEvent>().Where(b => b.AttachedToRef == Id) ?? [];

    public bool AsyncBefore => CamundaFlag("asyncBefore") || CamundaFlag("async");
    public bool AsyncAfter => CamundaFlag("asyncAfter");
    private bool CamundaFlag(string name) => CamundaAttribute(name)?.Trim() == "true";
}

public abstract class LoopCharacteristics(ElementInit init) : BaseElement(init);

public sealed class StandardLoopCharacteristics(ElementInit init) : LoopCharacteristics(init)
{
    public bool TestBefore => BoolAttribute("testBefore", false);
    public int? LoopMaximum => int.TryParse(Attribute("loopMaximum"), out var m) ? m : null;
    public Expression? LoopCondition => ChildrenOf<Expression>().FirstOrDefault(e => e.Name.LocalName == "loopCondition");
}

public sealed class MultiInstanceLoopCharacteristics(ElementInit init) : LoopCharacteristics(init)
{
    public bool IsSequential => BoolAttribute("isSequential", false);
    public Expression? LoopCardinality => Expr("loopCardinality");
    public Expression? CompletionCondition => Expr("completionCondition");
    public string? LoopDataInputRef => RefText("loopDataInputRef");
    public string? LoopDataOutputRef => RefText("loopDataOutputRef");
    public DataInput? InputDataItem => ChildrenOf<DataInput>().FirstOrDefault(d => d.Name.LocalName == "inputDataItem");
    public DataOutput? OutputDataItem => ChildrenOf<DataOutput>().FirstOrDefault(d => d.Name.LocalName == "outputDataItem");
    public string Behavior => Attribute("behavior") ?? "All";
    /// <summary>Camunda's collection expression or variable name (camunda:collection).</summary>
    public string? CamundaCollection => CamundaAttribute("collection");
    public string? CamundaElementVariable => CamundaAttribute("elementVariable");

    private Expression? Expr(string kind) => ChildrenOf<Expression>().FirstOrDefault(e => e.Name.LocalName == kind);
    private string? RefText(string kind) => Element(Namespaces.Bpmn + kind)?.Text.Trim() is { Length: > 0 } t ? t : null;
}
