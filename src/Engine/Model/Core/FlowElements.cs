namespace EGov.Workflows.Model;

/// <summary>Anything that can stand inside a process or subprocess.</summary>
public abstract class FlowElement(ElementInit init) : BaseElement(init), INamed
{
    public string? ElementName => Attribute("name");

    /// <summary>The process or subprocess this element belongs to.</summary>
    public IFlowElementsContainer? Container => Ancestors().OfType<IFlowElementsContainer>().FirstOrDefault();
}

/// <summary>A node that sequence flows connect: events, activities and gateways.</summary>
public abstract class FlowNode(ElementInit init) : FlowElement(init)
{
    public IReadOnlyList<SequenceFlow> Incoming => Container?.IncomingOf(Id) ?? [];
    public IReadOnlyList<SequenceFlow> Outgoing => Container?.OutgoingOf(Id) ?? [];
}

/// <summary>A process or a subprocess: holds flow elements, artifacts and lanes.</summary>
public interface IFlowElementsContainer
{
    string? Id { get; }
    IEnumerable<FlowElement> FlowElements { get; }
    IEnumerable<LaneSet> LaneSets { get; }
    IEnumerable<Artifact> Artifacts { get; }
    IReadOnlyList<SequenceFlow> IncomingOf(string? nodeId);
    IReadOnlyList<SequenceFlow> OutgoingOf(string? nodeId);
}

/// <summary>Builds the incoming/outgoing index of a container once, on first use.</summary>
internal sealed class FlowIndex
{
    private readonly Dictionary<string, List<SequenceFlow>> _in = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<SequenceFlow>> _out = new(StringComparer.Ordinal);

    public FlowIndex(IEnumerable<FlowElement> elements)
    {
        foreach (var flow in elements.OfType<SequenceFlow>())
        {
            if (flow.SourceRef is { } s) Add(_out, s, flow);
            if (flow.TargetRef is { } t) Add(_in, t, flow);
        }
    }

    private static void Add(Dictionary<string, List<SequenceFlow>> map, string key, SequenceFlow flow)
    {
        if (!map.TryGetValue(key, out var list)) map[key] = list = [];
        list.Add(flow);
    }

    public IReadOnlyList<SequenceFlow> In(string? id) => id is not null && _in.TryGetValue(id, out var l) ? l : [];
    public IReadOnlyList<SequenceFlow> Out(string? id) => id is not null && _out.TryGetValue(id, out var l) ? l : [];
}

public sealed class SequenceFlow(ElementInit init) : FlowElement(init)
{
    public string? SourceRef => Attribute("sourceRef");
    public string? TargetRef => Attribute("targetRef");
    public bool? IsImmediate => Attribute("isImmediate") is { } v ? v.Trim() == "true" : null;
    public Expression? ConditionExpression => ChildrenOf<Expression>().FirstOrDefault(e => e.Name.LocalName == "conditionExpression");
}

public sealed class Process : BaseElement, IFlowElementsContainer, INamed
{
    private readonly Lazy<FlowIndex> _flows;

    public Process(ElementInit init) : base(init) => _flows = new(() => new FlowIndex(FlowElements));

    public string? ElementName => Attribute("name");
    public bool IsExecutable => BoolAttribute("isExecutable", false);
    public bool IsExecutableDeclared => Attribute("isExecutable") is not null;
    public string ProcessType => Attribute("processType") ?? "None";
    public bool IsClosed => BoolAttribute("isClosed", false);
    public IEnumerable<FlowElement> FlowElements => ChildrenOf<FlowElement>();
    public IEnumerable<LaneSet> LaneSets => ChildrenOf<LaneSet>();
    public IEnumerable<Artifact> Artifacts => ChildrenOf<Artifact>();
    public IEnumerable<Property> Properties => ChildrenOf<Property>();
    public IoSpecification? IoSpecification => Child<IoSpecification>();
    public IReadOnlyList<SequenceFlow> IncomingOf(string? nodeId) => _flows.Value.In(nodeId);
    public IReadOnlyList<SequenceFlow> OutgoingOf(string? nodeId) => _flows.Value.Out(nodeId);

    /// <summary>Camunda's version tag (camunda:versionTag), when set.</summary>
    public string? VersionTag => CamundaAttribute("versionTag");
}
