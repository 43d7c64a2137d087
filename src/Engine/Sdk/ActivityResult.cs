using System.Text.Json.Nodes;

namespace EGov.Workflows.Sdk;

/// <summary>How an activity ended its turn. Create with the static factories.</summary>
public abstract record ActivityResult
{
    private protected ActivityResult() { }

    /// <summary>The work is done; the outputs become process variables (or go through the task's output mapping).</summary>
    public static ActivityResult Complete(JsonObject? outputs = null) => new Completed(outputs ?? []);

    /// <summary>The work is done, and it made documents for the case file (see <see cref="NewCaseDocument"/>).</summary>
    public static ActivityResult Complete(JsonObject? outputs, IReadOnlyList<NewCaseDocument> documents) =>
        new Completed(outputs ?? []) { Documents = documents ?? [] };

    /// <summary>The activity waits (e.g. for a payment); the engine resumes it later with a payload.</summary>
    public static ActivityResult Wait(string? reason = null) => new Waiting(reason);

    /// <summary>
    /// The activity waits for an outside system, and says how it can be found and woken:
    /// <paramref name="outputs"/> are written now (as on completion; e.g. the link a citizen pays on), an
    /// <see cref="ActivityCallback"/> resumes it by <paramref name="callbackKey"/> (unique per tenant, e.g. the payment's
    /// request id), and at <paramref name="wakeUpAt"/> the engine resumes it with a null payload (to poll the outside
    /// system; return this again to go on waiting). Each resume replaces the key and the wake-up time.
    /// </summary>
    public static ActivityResult Wait(string? reason, JsonObject? outputs, string? callbackKey = null, DateTimeOffset? wakeUpAt = null) =>
        new Waiting(reason) { Outputs = outputs, CallbackKey = callbackKey, WakeUpAt = wakeUpAt };

    /// <summary>A business error, caught by an error boundary or event subprocess with this errorCode.</summary>
    public static ActivityResult BpmnError(string errorCode, string? message = null, JsonObject? variables = null) =>
        new BusinessError(errorCode, message, variables);

    /// <summary>A technical failure: retried per camunda:failedJobRetryTimeCycle (default 3 tries), then an incident.</summary>
    public static ActivityResult Fail(string message) => new Failed(message);

    public sealed record Completed(JsonObject Outputs) : ActivityResult
    {
        /// <summary>Documents for the case file, added when the task completes; empty: none.</summary>
        public IReadOnlyList<NewCaseDocument> Documents { get; init; } = [];
    }
    public sealed record Waiting(string? Reason) : ActivityResult
    {
        /// <summary>Written when the activity starts to wait (as completion outputs are); null: nothing.</summary>
        public JsonObject? Outputs { get; init; }
        /// <summary>The key an <see cref="ActivityCallback"/> resumes this activity by; null: only by instance and element.</summary>
        public string? CallbackKey { get; init; }
        /// <summary>When the engine resumes the activity with a null payload; null: never by itself.</summary>
        public DateTimeOffset? WakeUpAt { get; init; }
    }
    public sealed record BusinessError(string ErrorCode, string? Message, JsonObject? Variables) : ActivityResult;
    public sealed record Failed(string Message) : ActivityResult;
}
