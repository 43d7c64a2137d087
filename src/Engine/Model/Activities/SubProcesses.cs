namespace EGov.Workflows.Model;

/// <summary>An embedded subprocess; with triggeredByEvent it is an event subprocess.</summary>
public class SubProcess : Activity, IFlowElementsContainer
{
    private readonly Lazy<FlowIndex> _flows;

    public SubProcess(ElementInit init) : base(init) => _flows = new(() => new FlowIndex(FlowElements));

    public bool TriggeredByEvent => BoolAttribute("triggeredByEvent", false);
    public IEnumerable<FlowElement> FlowElements => ChildrenOf<FlowElement>();
    public IEnumerable<LaneSet> LaneSets => ChildrenOf<LaneSet>();
    public IEnumerable<Artifact> Artifacts => ChildrenOf<Artifact>();
    public IReadOnlyList<SequenceFlow> IncomingOf(string? nodeId) => _flows.Value.In(nodeId);
    public IReadOnlyList<SequenceFlow> OutgoingOf(string? nodeId) => _flows.Value.Out(nodeId);
}

public sealed class AdHocSubProcess(ElementInit init) : SubProcess(init)
{
    public Expression? CompletionCondition => ChildrenOf<Expression>().FirstOrDefault(e => e.Name.LocalName == "completionCondition");
    public string Ordering => Attribute("ordering") ?? "Parallel";
    public bool CancelRemainingInstances => BoolAttribute("cancelRemainingInstances", true);
}

public sealed class Transaction(ElementInit init) : SubProcess(init)
{
    public string Method => Attribute("method") ?? "##Compensate";
}
