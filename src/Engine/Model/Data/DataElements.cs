namespace EGov.Workflows.Model;

public abstract class ItemAwareElement(ElementInit init) : FlowElement(init)
{
    public string? ItemSubjectRef => QNames.LocalPart(Attribute("itemSubjectRef"));
    public BpmnElement? DataState => Element(Namespaces.Bpmn + "dataState");
}

public sealed class DataObject(ElementInit init) : ItemAwareElement(init)
{
    public bool IsCollection => BoolAttribute("isCollection", false);
}

public sealed class DataObjectReference(ElementInit init) : ItemAwareElement(init)
{
    public string? DataObjectRef => Attribute("dataObjectRef");
}

public sealed class DataStoreReference(ElementInit init) : ItemAwareElement(init)
{
    public string? DataStoreRef => QNames.LocalPart(Attribute("dataStoreRef"));
}

/// <summary>A data store declared at definitions level.</summary>
public sealed class DataStore(ElementInit init) : BaseElement(init), INamed
{
    public string? ElementName => Attribute("name");
    public string? ItemSubjectRef => QNames.LocalPart(Attribute("itemSubjectRef"));
    public int? Capacity => int.TryParse(Attribute("capacity"), out var c) ? c : null;
    public bool IsUnlimited => BoolAttribute("isUnlimited", true);
}

/// <summary>dataInput (also inputDataItem of a multi-instance activity).</summary>
public sealed class DataInput(ElementInit init) : BaseElement(init), INamed
{
    public string? ElementName => Attribute("name");
    public string? ItemSubjectRef => QNames.LocalPart(Attribute("itemSubjectRef"));
    public bool IsCollection => BoolAttribute("isCollection", false);
}

/// <summary>dataOutput (also outputDataItem of a multi-instance activity).</summary>
public sealed class DataOutput(ElementInit init) : BaseElement(init), INamed
{
    public string? ElementName => Attribute("name");
    public string? ItemSubjectRef => QNames.LocalPart(Attribute("itemSubjectRef"));
    public bool IsCollection => BoolAttribute("isCollection", false);
}

public sealed class IoSpecification(ElementInit init) : BaseElement(init)
{
    public IEnumerable<DataInput> DataInputs => ChildrenOf<DataInput>();
    public IEnumerable<DataOutput> DataOutputs => ChildrenOf<DataOutput>();
    public IEnumerable<BpmnElement> InputSets => Elements(Namespaces.Bpmn + "inputSet");
    public IEnumerable<BpmnElement> OutputSets => Elements(Namespaces.Bpmn + "outputSet");
}

public sealed class Property(ElementInit init) : BaseElement(init), INamed
{
    public string? ElementName => Attribute("name");
    public string? ItemSubjectRef => QNames.LocalPart(Attribute("itemSubjectRef"));
}

/// <summary>dataInputAssociation / dataOutputAssociation: sourceRef(s) and targetRef are child elements.</summary>
public abstract class DataAssociation(ElementInit init) : BaseElement(init)
{
    public IEnumerable<string> SourceRefs => Elements(Namespaces.Bpmn + "sourceRef").Select(e => e.Text.Trim()).Where(t => t.Length > 0);
    public string? TargetRef => Element(Namespaces.Bpmn + "targetRef")?.Text.Trim();
    public Expression? Transformation => ChildrenOf<Expression>().FirstOrDefault(e => e.Name.LocalName == "transformation");
    public IEnumerable<BpmnElement> Assignments => Elements(Namespaces.Bpmn + "assignment");
}

public sealed class DataInputAssociation(ElementInit init) : DataAssociation(init);

public sealed class DataOutputAssociation(ElementInit init) : DataAssociation(init);
