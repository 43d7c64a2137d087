using System.Text.Json.Nodes;
using EGov.Workflows.Runtime.Execution;
using EGov.Workflows.Runtime.State;

namespace EGov.Workflows.Runtime.Behaviours;

/// <summary>
/// A message intermediate throw or end event. As in Camunda, without an implementation it behaves like a none event;
/// with camunda:type="external" (or egov:activity) it is worked like a service task. With <c>egov:messagePayload</c> the
/// engine delivers the message itself, carrying only the named variables (see <see cref="EgovAttributes.MessagePayload"/>).
/// </summary>
internal sealed class MessageThrowBehaviour : IBehaviour
{
    private readonly ServiceTaskBehaviour _service = new();

    public void Execute(ActivityExecution ctx)
    {
        if (ServiceTaskBehaviour.HasImplementation(ctx)) { _service.Execute(ctx); return; }
        if (PayloadNames(ctx) is not { } names) { ctx.Leave(); return; }
        var name = ctx.Node.EventName
            ?? throw new IncidentException(IncidentKind.FailedExpression, $"message event '{ctx.Node.Id}' has egov:messagePayload but no message to send");
        var runner = ctx.Runner;
        var key = runner.BusinessKeyOf(ctx.Inst);
        if (!runner.HasMessageReceiver(name, key))
            throw new IncidentException(IncidentKind.FailedActivity,
                $"no process receives message '{name}'{(key is null ? "" : $" for '{key}'")}: none waits for it and no deployed process starts with it");
        // Only the named variables, copied: the receiver never sees anything else of this case, nor shares a node with it.
        var payload = new JsonObject();
        foreach (var n in names)
            if (ctx.VariableOrNull(n) is { } value) payload[n] = value.DeepClone();
        ctx.Leave();
        runner.Schedule(() => runner.Correlate(name, key, payload));
    }

    /// <summary>The variable names of egov:messagePayload (read once per node), or null when the event has none.</summary>
    private static string[]? PayloadNames(ActivityExecution ctx)
    {
        if (ctx.Node.BehaviourData is string[] cached) return cached;
        if (ctx.Node.Element.Attribute(EgovAttributes.MessagePayload) is not { } text) return null;
        var names = text.Split([' ', ',', '\t', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        ctx.Node.BehaviourData = names;
        return names;
    }

    public void Trigger(ActivityExecution ctx, System.Text.Json.Nodes.JsonObject? variables) => _service.Trigger(ctx, variables);
}
