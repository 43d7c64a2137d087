using System.Text.Json.Nodes;
using EGov.Workflows.Runtime.State;
using NodaTime;

namespace EGov.Workflows.Runtime.Behaviours;

/// <summary>
/// A user task: creates a task (assignee, candidate users and groups, due and follow-up date, priority, form key —
/// each may be an expression) and waits until someone completes it.
/// </summary>
internal sealed class UserTaskBehaviour : IBehaviour
{
    private static long s_order;

    public void Execute(ActivityExecution ctx)
    {
        var e = ctx.Node.Element;
        var vars = ctx.Variables;
        var r = ctx.Runner;
        var task = new UserTaskState
        {
            Id = ctx.Inst.NextId("u"), TokenId = ctx.Token.Id, ElementId = ctx.Node.Id, Name = e.ElementName,
            Assignee = r.EvaluateString(e.CamundaAttribute("assignee"), vars),
            CandidateUsers = List(r.EvaluateAttribute(e.CamundaAttribute("candidateUsers") ?? "", vars)),
            CandidateGroups = List(r.EvaluateAttribute(e.CamundaAttribute("candidateGroups") ?? "", vars)),
            DueDate = Date(r.EvaluateAttribute(e.CamundaAttribute("dueDate") ?? "", vars), ctx),
            FollowUpDate = Date(r.EvaluateAttribute(e.CamundaAttribute("followUpDate") ?? "", vars), ctx),
            Priority = int.TryParse(r.EvaluateString(e.CamundaAttribute("priority"), vars), out var p) ? p : 50,
            FormKey = r.EvaluateString(e.CamundaAttribute("formKey"), vars),
            CreatedAt = ctx.Now, Order = Interlocked.Increment(ref s_order), ProcessName = ctx.Inst.G.ProcessName,
        };
        r.SetTaskDue(ctx.Inst, ctx.Token, ctx.Node, task);
        ctx.Inst.S.UserTasks.Add(task);
        ctx.Wait();
        ctx.Runner.RunTaskListeners(ctx.Inst, ctx.Token, ctx.Node, "create");
    }

    public void Trigger(ActivityExecution ctx, JsonObject? variables)
    {
        ctx.SetVariables(variables);
        ctx.Runner.RunTaskListeners(ctx.Inst, ctx.Token, ctx.Node, "complete");
        ctx.Leave();
    }

    private static List<string> List(JsonNode? value) => value switch
    {
        JsonArray a => a.Select(x => x is JsonValue v && v.TryGetValue<string>(out var s) ? s : x?.ToJsonString() ?? "").Where(s => s.Length > 0).ToList(),
        JsonValue v when v.TryGetValue<string>(out var s) => s.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList(),
        _ => [],
    };

    /// <summary>An ISO date-time (with offset, or local in the engine's zone), or a duration from now (P3D).</summary>
    private static Instant? Date(JsonNode? value, ActivityExecution ctx)
    {
        if (value is not JsonValue v || !v.TryGetValue<string>(out var s) || string.IsNullOrWhiteSpace(s)) return null;
        s = s.Trim();
        var zone = ctx.Runner.Core.Zone;
        var kind = s.StartsWith('P') || s.StartsWith('p') ? EGov.Workflows.Time.TimerKind.Duration : EGov.Workflows.Time.TimerKind.Date;
        try
        {
            if (EGov.Workflows.Time.TimerSchedule.Parse(kind, s, zone).FirstDue(ctx.Now) is { } due) return due;
        }
        catch (EGov.Workflows.Time.TimerFormatException e)
        {
            throw new Execution.IncidentException(IncidentKind.FailedExpression, e.Message);
        }
        throw new Execution.IncidentException(IncidentKind.FailedExpression, $"'{s}' is not an ISO 8601 date-time");
    }
}
