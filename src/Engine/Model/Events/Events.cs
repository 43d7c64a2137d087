namespace EGov.Workflows.Model;

/// <summary>Start, end, intermediate and boundary events: what they catch or throw lies in their event definitions.</summary>
public abstract class Event(ElementInit init) : FlowNode(init)
{
    public IReadOnlyList<EventDefinition> EventDefinitions => ChildrenOf<EventDefinition>().ToList();

    /// <summary>References to event definitions declared at definitions level (rare, but allowed).</summary>
    public IEnumerable<string> EventDefinitionRefs =>
        Elements(Namespaces.Bpmn + "eventDefinitionRef").Select(e => QNames.LocalPart(e.Text)).OfType<string>();

    /// <summary>The single event definition, or null for a none event (a multiple event has several).</summary>
    public EventDefinition? Definition
    {
        get
        {
            var defs = EventDefinitions;
            if (defs.Count > 0) return defs[0];
            return EventDefinitionRefs.Select(r => Definitions?.Find<EventDefinition>(r)).FirstOrDefault(d => d is not null);
        }
    }

    public IEnumerable<Property> Properties => ChildrenOf<Property>();
}

public abstract class CatchEvent(ElementInit init) : Event(init)
{
    public bool ParallelMultiple => BoolAttribute("parallelMultiple", false);
    public IEnumerable<DataOutputAssociation> DataOutputAssociations => ChildrenOf<DataOutputAssociation>();
}

public abstract class ThrowEvent(ElementInit init) : Event(init)
{
    public IEnumerable<DataInputAssociation> DataInputAssociations => ChildrenOf<DataInputAssociation>();
}

public sealed class StartEvent(ElementInit init) : CatchEvent(init)
{
    public bool IsInterrupting => BoolAttribute("isInterrupting", true);
}

public sealed class EndEvent(ElementInit init) : ThrowEvent(init);

public sealed class IntermediateCatchEvent(ElementInit init) : CatchEvent(init);

public sealed class IntermediateThrowEvent(ElementInit init) : ThrowEvent(init);

public sealed class BoundaryEvent(ElementInit init) : CatchEvent(init)
{
    public string? AttachedToRef => Attribute("attachedToRef");
    public bool CancelActivity => BoolAttribute("cancelActivity", true);
}
