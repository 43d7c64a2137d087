namespace EGov.Workflows.Model;

public abstract class EventDefinition(ElementInit init) : BaseElement(init);

public sealed class MessageEventDefinition(ElementInit init) : EventDefinition(init)
{
    public string? MessageRef => QNames.LocalPart(Attribute("messageRef"));
    public string? OperationRef => QNames.LocalPart(Attribute("operationRef"));
}

public sealed class TimerEventDefinition(ElementInit init) : EventDefinition(init)
{
    public Expression? TimeDate => Timer("timeDate");
    public Expression? TimeDuration => Timer("timeDuration");
    public Expression? TimeCycle => Timer("timeCycle");
    private Expression? Timer(string kind) => ChildrenOf<Expression>().FirstOrDefault(e => e.Name.LocalName == kind);
}

public sealed class SignalEventDefinition(ElementInit init) : EventDefinition(init)
{
    public string? SignalRef => QNames.LocalPart(Attribute("signalRef"));
}

public sealed class ErrorEventDefinition(ElementInit init) : EventDefinition(init)
{
    public string? ErrorRef => QNames.LocalPart(Attribute("errorRef"));
}

public sealed class EscalationEventDefinition(ElementInit init) : EventDefinition(init)
{
    public string? EscalationRef => QNames.LocalPart(Attribute("escalationRef"));
}

public sealed class CompensateEventDefinition(ElementInit init) : EventDefinition(init)
{
    public string? ActivityRef => QNames.LocalPart(Attribute("activityRef"));
    public bool WaitForCompletion => BoolAttribute("waitForCompletion", true);
}

public sealed class CancelEventDefinition(ElementInit init) : EventDefinition(init);

public sealed class TerminateEventDefinition(ElementInit init) : EventDefinition(init);

public sealed class ConditionalEventDefinition(ElementInit init) : EventDefinition(init)
{
    public Expression? Condition => ChildrenOf<Expression>().FirstOrDefault(e => e.Name.LocalName == "condition");
}

public sealed class LinkEventDefinition(ElementInit init) : EventDefinition(init)
{
    public string? LinkName => Attribute("name");
    public IEnumerable<string> Sources => Elements(Namespaces.Bpmn + "source").Select(e => QNames.LocalPart(e.Text)).OfType<string>();
    public string? Target => Elements(Namespaces.Bpmn + "target").Select(e => QNames.LocalPart(e.Text)).FirstOrDefault();
}
