using System.Text.Json.Nodes;
using EGov.Workflows.Sdk;

namespace EGov.Workflows.Scenarios.Engine;

/// <summary>Stand-ins for the Java helper classes that Camunda 7's own test models name in <c>camunda:class</c>
/// (shared/corpora/camunda/SOURCE.md: "the harness must stub them"), so scenarios over those models run unchanged.
/// They bind only to these exact class names.</summary>
public static class CamundaTestHelpers
{
    public const string Package = "org.camunda.bpm.engine.test.bpmn.event.compensate.helper.";

    public static ActivityRegistry Register(ActivityRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        return registry.Add<UndoService>().Add<WaitStateUndoService>();
    }

    /// <summary>Increments the process variable named by the task's <c>counterName</c> field.</summary>
    internal static ActivityResult Increment(ActivityContext context)
    {
        var name = context.GetString("counterName");
        if (string.IsNullOrEmpty(name)) return ActivityResult.Fail("UndoService needs a camunda:field named counterName");
        var current = context.Variable(name) is JsonValue v && v.TryGetValue<long>(out var n) ? n
            : context.Variable(name) is JsonValue d && d.TryGetValue<decimal>(out var m) ? (long)m : 0;
        return ActivityResult.Complete(new JsonObject { [name] = current + 1 });
    }

    [Activity("camunda-test-undo-service", CamundaClass = Package + "UndoService", Description = "Camunda test helper: counts compensations")]
    internal sealed class UndoService : WorkflowActivity
    {
        public override Task<ActivityResult> ExecuteAsync(ActivityContext context) => Task.FromResult(Increment(context));
    }

    /// <summary>Camunda's version counts, then waits for a signal; here it counts and completes, so the counters end as in Camunda.</summary>
    [Activity("camunda-test-wait-state-undo-service", CamundaClass = Package + "WaitStateUndoService", Description = "Camunda test helper: counts compensations")]
    internal sealed class WaitStateUndoService : WorkflowActivity
    {
        public override Task<ActivityResult> ExecuteAsync(ActivityContext context) => Task.FromResult(Increment(context));
    }
}
