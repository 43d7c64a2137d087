using EGov.Workflows.Runtime.Execution;

namespace EGov.Workflows.Runtime.Behaviours;

/// <summary>
/// A script task (JavaScript, sandboxed): variables by name, <c>execution.setVariable</c> to write,
/// camunda:resultVariable for the completion value. A throwing script changes nothing and opens an incident.
/// </summary>
internal sealed class ScriptTaskBehaviour : IBehaviour
{
    public void Trigger(ActivityExecution ctx, System.Text.Json.Nodes.JsonObject? variables)
    {
        ctx.SetVariables(variables);
        ctx.Leave();
    }

    public void Execute(ActivityExecution ctx)
    {
        var st = (Model.ScriptTask)ctx.Node.Element;
        if (ctx.Node.ForeignScript)
        {
            ServiceTaskBehaviour.CreateExternalTask(ctx, null, unbound: true);
            return;
        }
        Runner.CheckScriptFormat(st.ScriptFormat);
        var vars = ctx.BufferedVariables();
        // Camunda 7: a script task that is no scope of its own runs in its enclosing scope's execution, so setVariableLocal
        // there writes to the subprocess (or the process) and later activities of that scope see the variable.
        if (ctx.Node.Ext.Inputs.Count == 0 && ctx.Node.Ext.Outputs.Count == 0 && ctx.Node.Boundaries.Count == 0
            && !ctx.Token.IsMultiInstanceInner && ctx.Token.Locals is null)
            vars.LocalsOnScope();
        var result = ctx.Runner.Evaluator.RunScript(st.Script ?? "", vars);
        vars.Flush();
        if (st.CamundaAttribute("resultVariable") is { Length: > 0 } rv) ctx.Variables.SetVariable(rv, result);
        ctx.Leave();
    }
}
