using EGov.Workflows.Model.Diagnostics;
using EGov.Workflows.Model;

namespace EGov.Workflows.Bpmn.Validation;

/// <summary>What events and message tasks refer to: messages, signals, errors, escalations, compensated activities, link partners.</summary>
internal static class EventChecks
{
    public static void Run(CheckContext c)
    {
        foreach (var e in c.ModelElements())
        {
            switch (e)
            {
                case MessageEventDefinition m:
                    c.Require<Message>(m, "messageRef", m.Attribute("messageRef"), expected: "a message");
                    c.Require<Operation>(m, "operationRef", m.Attribute("operationRef"), Severity.Warning, "an operation");
                    break;
                case SendTask t: c.Require<Message>(t, "messageRef", t.Attribute("messageRef"), expected: "a message"); break;
                case ReceiveTask t: c.Require<Message>(t, "messageRef", t.Attribute("messageRef"), expected: "a message"); break;
                case SignalEventDefinition s: c.Require<Signal>(s, "signalRef", s.Attribute("signalRef"), expected: "a signal"); break;
                case ErrorEventDefinition er:
                    // Camunda (after Activiti) takes an errorRef that names no <error> as the error code itself.
                    c.Require<Error>(er, "errorRef", er.Attribute("errorRef"), Severity.Warning, "an error",
                        " as an <error>; Camunda reads it as the error code");
                    break;
                case EscalationEventDefinition es:
                    c.Require<Escalation>(es, "escalationRef", es.Attribute("escalationRef"), expected: "an escalation");
                    break;
                case CompensateEventDefinition comp:
                    c.Require<Activity>(comp, "activityRef", comp.Attribute("activityRef"), expected: "an activity");
                    break;
                case LinkEventDefinition link: CheckLink(c, link); break;
                case TimerEventDefinition timer when timer.TimeDate is null && timer.TimeDuration is null && timer.TimeCycle is null
                    && timer.Parent?.Attribute(Namespaces.Egov + "frist") is null:
                    // Documentation models (ADONIS/FIM) draw timers without a value; only running needs one.
                    c.Bag.Warning(timer.Position, $"{CheckContext.Describe(timer)}: timer has no timeDate, timeDuration or timeCycle");
                    break;
                case Event ev:
                    foreach (var r in ev.Elements(Namespaces.Bpmn + "eventDefinitionRef"))
                        c.Require<EventDefinition>(r, "eventDefinitionRef", r.Text, expected: "an event definition");
                    break;
            }
        }
    }

    private static void CheckLink(CheckContext c, LinkEventDefinition link)
    {
        foreach (var child in link.Elements())
        {
            if (child.Name == Namespaces.Bpmn + "source" || child.Name == Namespaces.Bpmn + "target")
                c.Require<LinkEventDefinition>(child, $"link {child.Name.LocalName}", child.Text, expected: "a linkEventDefinition");
        }
    }
}
