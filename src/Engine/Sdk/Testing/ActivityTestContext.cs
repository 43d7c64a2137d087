using System.Text.Json.Nodes;
using NodaTime;

namespace EGov.Workflows.Sdk.Testing;

/// <summary>
/// Runs one activity without an engine, for unit tests: give it inputs (as the task's input parameters), variables and a
/// time, and read what it returned. Declared inputs resolve as in the engine (input parameter, else the variable of that
/// name); a missing required input throws <see cref="InvalidOperationException"/> with the engine's incident message.
/// <code>
/// var result = await new ActivityTestContext().Input("months", 12).At(Instant.FromUtc(2026, 12, 3, 9, 0)).ExecuteAsync(new FeeCalculation());
/// result.ShouldBeOfType&lt;ActivityResult.Completed&gt;().Outputs["fee"]
/// </code>
/// </summary>
public sealed class ActivityTestContext
{
    private readonly JsonObject _inputs = [];
    private readonly JsonObject _variables = [];

    public string TenantId { get; init; } = "default";
    public string ProcessInstanceId { get; init; } = "test-instance";
    public string? BusinessKey { get; init; }
    public string ElementId { get; init; } = "Task";

    /// <summary>The time the activity sees as <see cref="ActivityContext.Now"/> (default 2026-01-05 09:00 UTC; a test never reads the real clock).</summary>
    public Instant Now { get; private set; } = Instant.FromUtc(2026, 1, 5, 9, 0);

    /// <summary>An input parameter of the task (any JSON value: a string, number, boolean, object …).</summary>
    public ActivityTestContext Input(string name, JsonNode? value)
    {
        ArgumentNullException.ThrowIfNull(name);
        _inputs[name] = value?.DeepClone();
        return this;
    }

    /// <summary>A process variable visible at the task.</summary>
    public ActivityTestContext Variable(string name, JsonNode? value)
    {
        ArgumentNullException.ThrowIfNull(name);
        _variables[name] = value?.DeepClone();
        return this;
    }

    public ActivityTestContext At(Instant now)
    {
        Now = now;
        return this;
    }

    /// <summary>The context the engine would give <paramref name="activity"/> at this task.</summary>
    public ActivityContext ContextFor(WorkflowActivity activity)
    {
        ArgumentNullException.ThrowIfNull(activity);
        var name = activity.GetType().GetCustomAttributes(typeof(ActivityAttribute), false).OfType<ActivityAttribute>().FirstOrDefault()?.Name
            ?? ActivityRegistry.DefaultName(activity.GetType());
        var inputs = new Dictionary<string, JsonNode?>(StringComparer.Ordinal);
        foreach (var kv in _inputs) inputs[kv.Key] = kv.Value;
        foreach (var p in activity.Inputs)
        {
            if (inputs.ContainsKey(p.Name)) continue;
            if (_variables.TryGetPropertyValue(p.Name, out var v)) inputs[p.Name] = v;
            else if (p.Required) throw new InvalidOperationException($"activity '{name}' needs the input '{p.Name}', which is not set");
        }
        return new ActivityContext(TenantId, ProcessInstanceId, BusinessKey, ElementId, name, Now.ToDateTimeOffset(), inputs,
            n => _variables.TryGetPropertyValue(n, out var v) ? v : null);
    }

    /// <summary>Runs <see cref="WorkflowActivity.ExecuteAsync"/> once.</summary>
    public Task<ActivityResult> ExecuteAsync(WorkflowActivity activity) => activity.ExecuteAsync(ContextFor(activity));

    /// <summary>Runs <see cref="WorkflowActivity.ResumeAsync"/> with a payload, as <c>engine.ResumeActivity</c> would.</summary>
    public Task<ActivityResult> ResumeAsync(WorkflowActivity activity, JsonNode? payload) => activity.ResumeAsync(ContextFor(activity), payload);
}
