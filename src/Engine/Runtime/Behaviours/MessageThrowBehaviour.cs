namespace EGov.Workflows.Runtime.Behaviours;

/// <summary>
/// A message intermediate throw or end event. As in Camunda, without an implementation it behaves like a none event;
/// with camunda:type="external" (or egov:activity) it is worked like a service task.
/// </summary>
internal sealed class MessageThrowBehaviour : IBehaviour
{
    private readonly ServiceTaskBehaviour _service = new();

    public void Execute(ActivityExecution ctx)
    {
        if (ServiceTaskBehaviour.HasImplementation(ctx)) _service.Execute(ctx);
        else ctx.Leave();
    }

    public void Trigger(ActivityExecution ctx, System.Text.Json.Nodes.JsonObject? variables) => _service.Trigger(ctx, variables);
}
