using System.Text.Json.Nodes;

namespace EGov.Workflows.Runtime.Behaviours;

/// <summary>What one kind of BPMN element does when a token reaches it, and (for wait states) when it is triggered.</summary>
internal interface IBehaviour
{
    /// <summary>The token is at the element (inputs mapped, start listeners run): do the work, wait, or leave.</summary>
    void Execute(ActivityExecution ctx);

    /// <summary>An outside trigger for a waiting token (task completed, receive task triggered, activity resumed).</summary>
    void Trigger(ActivityExecution ctx, JsonObject? variables)
    {
        ctx.SetVariables(variables);
        ctx.Leave();
    }
}
