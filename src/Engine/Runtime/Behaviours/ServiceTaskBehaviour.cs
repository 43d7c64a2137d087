using System.Text.Json.Nodes;
using EGov.Workflows.Model;
using EGov.Workflows.Runtime.Execution;
using EGov.Workflows.Runtime.Graph;
using EGov.Workflows.Runtime.State;
using EGov.Workflows.Sdk;

namespace EGov.Workflows.Runtime.Behaviours;

/// <summary>
/// Service, send and business-rule tasks. Bound, in this order, to: a registered activity named by
/// <c>egov:activity</c>; a registered activity serving the <c>camunda:topic</c> of an external task; an external task
/// for workers (<c>camunda:type="external"</c>); a <c>camunda:expression</c>; a registered stand-in for a
/// <c>camunda:class</c>. Without any of these the task becomes an "unbound" external task that nobody serves.
/// </summary>
internal sealed class ServiceTaskBehaviour : IBehaviour
{
    private static long s_order;

    public static bool HasImplementation(ActivityExecution ctx)
    {
        var e = ctx.Node.Impl;
        return e.Attribute(EgovAttributes.Activity) is not null || e.CamundaAttribute("type") == "external"
            || e.CamundaAttribute("expression") is not null || e.CamundaAttribute("class") is not null || e.CamundaAttribute("delegateExpression") is not null;
    }

    /// <summary>A service task's implementation attributes, read once per node.</summary>
    private sealed record Binding(string? ActivityName, string? Topic, bool External, string? CamundaClass, string? Expression, string? ResultVariable);

    private static Binding BindingOf(Node node)
    {
        if (node.BehaviourData is Binding b) return b;
        var e = node.Impl;
        b = new Binding(e.Attribute(EgovAttributes.Activity), e.CamundaAttribute("topic"), e.CamundaAttribute("type")?.Trim() == "external",
            e.CamundaAttribute("class"), e.CamundaAttribute("expression"), e.CamundaAttribute("resultVariable"));
        node.BehaviourData = b;
        return b;
    }

    public void Execute(ActivityExecution ctx)
    {
        var b = BindingOf(ctx.Node);
        if (ctx.Runner.Core.StandIns.Contains(ctx.Node.Id))
        {
            // A test stands in for this task (a scenario's services: entry by element id): it completes the external task.
            CreateExternalTask(ctx, b.External ? ctx.Runner.EvaluateString(b.Topic, ctx.Variables) : null, unbound: false);
            return;
        }
        var registry = ctx.Runner.Core.Activities;
        var registration = registry.FindByName(b.ActivityName)
            ?? (b.External ? registry.FindByTopic(b.Topic) : null)
            ?? registry.FindByCamundaClass(b.CamundaClass);
        if (b.ActivityName is { } name && registration is null)
            throw new IncidentException(IncidentKind.FailedActivity, $"no activity named '{name}' is registered with the engine");
        if (registration is not null) { RunActivity(ctx, registration, resume: false, null); return; }
        if (!b.External && b.Expression is { } expr)
        {
            var result = ctx.Runner.Evaluator.Evaluate(Runner.Juel(expr), ctx.Variables);
            if (b.ResultVariable is { Length: > 0 } rv) ctx.Variables.SetVariable(rv, result);
            ctx.Leave();
            return;
        }
        CreateExternalTask(ctx, b.External ? ctx.Runner.EvaluateString(b.Topic, ctx.Variables) : null, unbound: !b.External);
    }

    public static void CreateExternalTask(ActivityExecution ctx, string? topic, bool unbound)
    {
        var e = ctx.Node.Impl;
        ctx.Inst.S.ExternalTasks.Add(new ExternalTaskState
        {
            Id = ctx.Inst.NextId("x"), TokenId = ctx.Token.Id, ElementId = ctx.Node.Id, Topic = topic, Unbound = unbound,
            AvailableAt = ctx.Now, CreatedAt = ctx.Now, Order = Interlocked.Increment(ref s_order),
            Priority = int.TryParse(ctx.Runner.EvaluateString(e.CamundaAttribute("taskPriority"), ctx.Variables), out var p) ? p : 0,
            Retries = null,
            TraceParent = System.Diagnostics.Activity.Current is { IdFormat: System.Diagnostics.ActivityIdFormat.W3C } span ? span.Id : null,
        });
        ctx.Wait();
    }

    /// <summary>An external task completed, or a waiting custom activity is resumed with a payload.</summary>
    public void Trigger(ActivityExecution ctx, JsonObject? variables)
    {
        if (ctx.Token.WaitingActivity is { } name && ctx.Runner.Core.Activities.FindByName(name) is { } reg)
        {
            ctx.Token.WaitingActivity = null;
            ctx.Token.Status = TokenStatus.Active;
            RunActivity(ctx, reg, resume: true, variables);
            return;
        }
        SetResult(ctx, variables);
        ctx.Leave();
    }

    private static void SetResult(ActivityExecution ctx, JsonObject? variables)
    {
        if (variables is null) return;
        if (ctx.Node.Ext.Outputs.Count > 0)
            foreach (var kv in variables) ctx.Inst.SetTokenLocal(ctx.Token, kv.Key, kv.Value?.DeepClone());
        else ctx.SetVariables(variables);
    }

    /// <summary>Reads the case file of the instance's root, when the engine has case files.</summary>
    private static Func<IReadOnlyList<CaseDocument>>? CaseFile(ActivityExecution ctx)
    {
        if (ctx.Runner.Core.CaseDocuments is not { } read) return null;
        var (tenant, root) = (ctx.Inst.S.TenantId, string.IsNullOrEmpty(ctx.Inst.S.RootInstanceId) ? ctx.Inst.S.Id : ctx.Inst.S.RootInstanceId);
        return () => read(tenant, root);
    }

    /// <summary>
    /// Hands an activity's documents to the case file; false when the case file refused them (the task has failed then,
    /// with the reason, and goes through its retries to an incident). Without case files they are not kept.
    /// </summary>
    private static bool FileDocuments(ActivityExecution ctx, ActivityRegistration reg, IReadOnlyList<NewCaseDocument> documents)
    {
        if (ctx.Runner.Core.AddCaseDocument is not { } add) return true;
        var i = ctx.Inst;
        try
        {
            add(i.S.TenantId, string.IsNullOrEmpty(i.S.RootInstanceId) ? i.S.Id : i.S.RootInstanceId, ctx.Node.Id, documents);
            return true;
        }
        catch (ArgumentException refused)
        {
            ctx.Runner.FailActivity(i, ctx.Token, ctx.Node, $"the case file refused a document of activity '{reg.Name}': {refused.Message}{PackSuffix(reg)}");
            return false;
        }
    }

    private static void RunActivity(ActivityExecution ctx, ActivityRegistration reg, bool resume, JsonObject? resumePayload)
    {
        var i = ctx.Inst;
        WorkflowActivity activity;
        try { activity = reg.Create(); }
        catch (Exception ex)
        {
            // A pack whose constructor throws (a missing setting, say): a failure at the task, the engine runs on.
            var inner = ex is System.Reflection.TargetInvocationException { InnerException: { } e } ? e : ex;
            ctx.Runner.FailActivity(i, ctx.Token, ctx.Node, $"activity '{reg.Name}' could not be created: {inner.GetType().Name}: {inner.Message}{PackSuffix(reg)}");
            return;
        }
        var context = new ActivityContext(i.S.TenantId, i.S.Id, i.S.BusinessKey, ctx.Node.Id, reg.Name,
            ctx.Now.ToDateTimeOffset(), Inputs(ctx, reg, activity.Inputs), ctx.VariableOrNull, ctx.Runner.Deadline)
        { Service = ctx.Runner.Core.ServiceFacts?.Invoke(i.G.ProcessId), CaseFile = CaseFile(ctx) };
        ActivityResult result;
        try
        {
            result = !resume
                ? activity.ExecuteAsync(context).GetAwaiter().GetResult()
                : activity.ResumeAsync(context, resumePayload).GetAwaiter().GetResult();
        }
        catch (OperationCanceledException) when (context.CancellationToken.IsCancellationRequested)
        {
            throw ctx.Runner.OutOfTime(ctx.Node.Id, ctx.Inst); // the command's time is spent: it rolls back
        }
        catch (Exception ex) when (ex is not IncidentException)
        {
            result = ActivityResult.Fail($"{ex.GetType().Name}: {ex.Message}{PackSuffix(reg)}");
        }
        switch (result)
        {
            case ActivityResult.Completed c:
                if (c.Documents.Count > 0 && !FileDocuments(ctx, reg, c.Documents)) break;
                SetResult(ctx, c.Outputs);
                ctx.Token.RetriesLeft = null;
                ctx.Leave();
                break;
            case ActivityResult.Waiting w:
                if (w.Outputs is { Count: > 0 } outputs) SetResult(ctx, outputs);
                ctx.Token.WaitingActivity = reg.Name;
                ctx.Runner.ListenForActivity(i, ctx.Token, w.CallbackKey, w.WakeUpAt is { } at ? NodaTime.Instant.FromDateTimeOffset(at) : null);
                ctx.Wait();
                break;
            case ActivityResult.BusinessError b:
                ctx.SetVariables(b.Variables);
                ctx.Runner.ThrowError(i, ctx.Token, b.ErrorCode, b.Message, fromEndEvent: false);
                break;
            case ActivityResult.Failed f:
                ctx.Runner.FailActivity(i, ctx.Token, ctx.Node, f.Message + PackSuffix(reg));
                break;
        }
    }

    /// <summary>
    /// A waiting custom activity is interrupted: a new instance of it and a context with its inputs and its declared
    /// outputs copied as they are now (the hook runs after the commit, when the instance may have moved on). Null when
    /// the activity cannot be created.
    /// </summary>
    public static (WorkflowActivity, ActivityContext)? Interrupted(ActivityExecution ctx, ActivityRegistration reg)
    {
        WorkflowActivity activity;
        try { activity = reg.Create(); }
        catch (Exception e) when (e is not OutOfMemoryException) { return null; }
        var seen = new Dictionary<string, JsonNode?>(StringComparer.Ordinal);
        try
        {
            foreach (var kv in Inputs(ctx, reg, activity.Inputs)) seen[kv.Key] = kv.Value?.DeepClone();
        }
        catch (Exception e) when (e is IncidentException or Expressions.ScriptException) { }
        var variables = new Dictionary<string, JsonNode?>(StringComparer.Ordinal);
        foreach (var o in activity.Outputs) variables[o.Name] = ctx.VariableOrNull(o.Name)?.DeepClone();
        var i = ctx.Inst;
        var context = new ActivityContext(i.S.TenantId, i.S.Id, i.S.BusinessKey, ctx.Node.Id, reg.Name, ctx.Now.ToDateTimeOffset(), seen,
            name => variables.TryGetValue(name, out var v) ? v : null)
        { Service = ctx.Runner.Core.ServiceFacts?.Invoke(i.G.ProcessId) };
        return (activity, context);
    }

    /// <summary>
    /// For the history: "Name Version" of the pack whose activity this node is bound to, once the node ran as a service
    /// task (its binding is read then); null for other nodes and for activities registered in code.
    /// </summary>
    public static string? PackOf(Node node, ActivityRegistry registry)
    {
        if (node.BehaviourData is not Binding b) return null;
        var reg = registry.FindByName(b.ActivityName) ?? (b.External ? registry.FindByTopic(b.Topic) : null) ?? registry.FindByCamundaClass(b.CamundaClass);
        return reg?.Pack is { } p ? $"{p.Name} {p.Version}" : null;
    }

    /// <summary>Names the pack an activity came from in failure messages: " (pack Name 1.0.0, /path/Name.dll)".</summary>
    private static string PackSuffix(ActivityRegistration reg) => reg.Pack is { } p ? $" (pack {p})" : "";

    /// <summary>
    /// The activity's inputs: the task's input parameters, then its declared inputs from the variables, then its fields.
    /// The common activity has none of them and gets the read-only empty dictionary, not a new one per call.
    /// </summary>
    private static IReadOnlyDictionary<string, JsonNode?> Inputs(ActivityExecution ctx, ActivityRegistration reg, IReadOnlyList<ActivityParameter> declared)
    {
        if (ctx.Token.Locals is null && declared.Count == 0 && ctx.Node.Ext.Fields.Count == 0)
            return System.Collections.ObjectModel.ReadOnlyDictionary<string, JsonNode?>.Empty;
        var inputs = new Dictionary<string, JsonNode?>(StringComparer.Ordinal);
        if (ctx.Token.Locals is { } locals) foreach (var kv in locals) inputs[kv.Key] = kv.Value;
        foreach (var p in declared)
        {
            if (inputs.ContainsKey(p.Name)) continue;
            if (ctx.Variables.TryGetVariable(p.Name, out var v)) inputs[p.Name] = v;
            else if (p.Required)
                throw new IncidentException(IncidentKind.FailedActivity, $"activity '{reg.Name}' needs the input '{p.Name}', which is not set");
        }
        foreach (var f in ctx.Node.Ext.Fields)
            inputs.TryAdd(f.Key, f.Value.IsExpression ? ctx.Runner.EvaluateAttribute(f.Value.Text, ctx.Variables) : JsonValue.Create(f.Value.Text));
        return inputs;
    }
}
