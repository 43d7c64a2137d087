using System.Text.Json.Nodes;

namespace EGov.Workflows.Sdk;

/// <summary>How an activity ended its turn. Create with the static factories.</summary>
public abstract record ActivityResult
{
    private protected ActivityResult() { }

    /// <summary>The work is done; the outputs become process variables (or go through the task's output mapping).</summary>
    public static ActivityResult Complete(JsonObject? outputs = null) => new Completed(outputs ?? []);

    /// <summary>The activity waits (e.g. for a payment); the engine resumes it later with a payload.</summary>
    public static ActivityResult Wait(string? reason = null) => new Waiting(reason);

    /// <summary>A business error, caught by an error boundary or event subprocess with this errorCode.</summary>
    public static ActivityResult BpmnError(string errorCode, string? message = null, JsonObject? variables = null) =>
        new BusinessError(errorCode, message, variables);

    /// <summary>A technical failure: retried per camunda:failedJobRetryTimeCycle (default 3 tries), then an incident.</summary>
    public static ActivityResult Fail(string message) => new Failed(message);

    public sealed record Completed(JsonObject Outputs) : ActivityResult;
    public sealed record Waiting(string? Reason) : ActivityResult;
    public sealed record BusinessError(string ErrorCode, string? Message, JsonObject? Variables) : ActivityResult;
    public sealed record Failed(string Message) : ActivityResult;
}
