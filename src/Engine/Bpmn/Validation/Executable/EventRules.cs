using EGov.Workflows.Model.Diagnostics;
using EGov.Workflows.Model;

namespace EGov.Workflows.Bpmn.Validation.Executable;

/// <summary>
/// Events that wait need to know what they wait for: a message, a signal, a time, a condition. A receive task
/// without messageRef is left alone: like in Camunda it is a plain wait state that an API call continues.
/// </summary>
internal static class EventRules
{
    public static void Check(BpmnElement e, DiagnosticBag bag)
    {
        switch (e)
        {
            case TimerEventDefinition timer: TimerRules.Check(timer, bag); break;
            case MessageEventDefinition m when m.MessageRef is null && m.Parent is CatchEvent:
                bag.Error(m.Position, $"{CheckContext.Describe(m)} waits for a message but names none: set messageRef");
                break;
            case SignalEventDefinition s when s.SignalRef is null:
                bag.Error(s.Position, $"{CheckContext.Describe(s)} names no signal: set signalRef");
                break;
            case ConditionalEventDefinition c when c.Condition is null or { IsEmpty: true }:
                bag.Error(c.Position, $"{CheckContext.Describe(c)} has no condition");
                break;
        }
    }
}
