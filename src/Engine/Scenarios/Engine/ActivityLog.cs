using System.Text.Json.Nodes;
using EGov.Workflows.Sdk;

namespace EGov.Workflows.Scenarios.Engine;

/// <summary>
/// Records what each custom activity did, for <c>./egov test -v</c>: every registration of a registry is wrapped so that
/// its outcome is noted — completed with its outputs, a BPMN error, a failure (which the engine retries), a wait, an
/// exception — with the element and the pack it came from.
/// </summary>
public sealed class ActivityLog
{
    private readonly List<string> _lines = [];

    /// <summary>A copy of <paramref name="registry"/> whose activities report to this log.</summary>
    public ActivityRegistry Recording(ActivityRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        var recording = new ActivityRegistry();
        foreach (var r in registry.All) recording.Add(r.Type, () => new Recorded(r.Create(), r, this), r.Pack);
        return recording;
    }

    /// <summary>The lines since the last call.</summary>
    public IReadOnlyList<string> Take()
    {
        lock (_lines)
        {
            var taken = _lines.ToList();
            _lines.Clear();
            return taken;
        }
    }

    private void Note(ActivityContext context, ActivityRegistration reg, string what, string outcome)
    {
        var pack = reg.Pack is { } p ? $" [{p.Name} {p.Version}]" : "";
        lock (_lines) _lines.Add($"activity {reg.Name}{pack} at {context.ElementId}: {what} {outcome}");
    }

    private static string Describe(ActivityResult result) => result switch
    {
        ActivityResult.Completed c => $"completed with {c.Outputs.ToJsonString()}",
        ActivityResult.BusinessError b => $"BPMN error {b.ErrorCode}{(b.Message is { } m ? $" ({m})" : "")}",
        ActivityResult.Failed f => $"failed: {f.Message} (retried per camunda:failedJobRetryTimeCycle, then an incident)",
        ActivityResult.Waiting w => $"waits{(w.Reason is { } r ? $" ({r})" : "")}",
        _ => result.ToString() ?? "",
    };

    private sealed class Recorded(WorkflowActivity inner, ActivityRegistration reg, ActivityLog log) : WorkflowActivity
    {
        public override IReadOnlyList<ActivityParameter> Inputs => inner.Inputs;
        public override IReadOnlyList<ActivityParameter> Outputs => inner.Outputs;

        public override Task<ActivityResult> ExecuteAsync(ActivityContext context) => Run(context, "execute", () => inner.ExecuteAsync(context));

        public override Task<ActivityResult> ResumeAsync(ActivityContext context, JsonNode? payload) =>
            Run(context, "resume", () => inner.ResumeAsync(context, payload));

        private async Task<ActivityResult> Run(ActivityContext context, string what, Func<Task<ActivityResult>> call)
        {
            try
            {
                var result = await call();
                log.Note(context, reg, what, Describe(result));
                return result;
            }
            catch (Exception e)
            {
                log.Note(context, reg, what, $"threw {e.GetType().Name}: {e.Message} (a failure: retried, then an incident)");
                throw;
            }
        }
    }
}
