namespace EGov.Workflows.Model;

/// <summary>Pools (participants) and the message flows between them.</summary>
public class Collaboration(ElementInit init) : BaseElement(init), INamed
{
    public string? ElementName => Attribute("name");
    public bool IsClosed => BoolAttribute("isClosed", false);
    public IEnumerable<Participant> Participants => ChildrenOf<Participant>();
    public IEnumerable<MessageFlow> MessageFlows => ChildrenOf<MessageFlow>();
    public IEnumerable<Artifact> Artifacts => ChildrenOf<Artifact>();
}

public sealed class Participant(ElementInit init) : BaseElement(init), INamed
{
    public string? ElementName => Attribute("name");
    public string? ProcessRef => QNames.LocalPart(Attribute("processRef"));
    public BpmnElement? Multiplicity => Element(Namespaces.Bpmn + "participantMultiplicity");
}

public sealed class MessageFlow(ElementInit init) : BaseElement(init), INamed
{
    public string? ElementName => Attribute("name");
    public string? SourceRef => QNames.LocalPart(Attribute("sourceRef"));
    public string? TargetRef => QNames.LocalPart(Attribute("targetRef"));
    public string? MessageRef => QNames.LocalPart(Attribute("messageRef"));
}

public sealed class LaneSet(ElementInit init) : BaseElement(init), INamed
{
    public string? ElementName => Attribute("name");
    public IEnumerable<Lane> Lanes => ChildrenOf<Lane>();
}

public sealed class Lane(ElementInit init) : BaseElement(init), INamed
{
    public string? ElementName => Attribute("name");
    public IEnumerable<string> FlowNodeRefs => Elements(Namespaces.Bpmn + "flowNodeRef").Select(e => e.Text.Trim()).Where(t => t.Length > 0);
    public LaneSet? ChildLaneSet => ChildrenOf<LaneSet>().FirstOrDefault();
    public string? PartitionElementRef => QNames.LocalPart(Attribute("partitionElementRef"));
}
