using System.Text.Json.Nodes;

namespace EGov.Workflows.Sdk;

/// <summary>
/// A pack's receiver for notifications an outside system sends on its own (a payment provider's "paid" notice). The host
/// serves it at <c>POST /api/callbacks/{tenant}/{pack}/{name}</c> without a sign-in: the sender is not a user, so the
/// callback itself decides whether to believe it (a signature with the tenant's secret, a fresh timestamp) and answers
/// as the outside protocol expects. Register with <see cref="ServiceCollectionExtensions.AddEgovCallback{T}"/>; a new
/// instance handles each request. It resumes the activity that waits for it with <see cref="CallbackRequest.Resume"/>
/// by the key the activity gave when it started to wait.
/// </summary>
public abstract class ActivityCallback
{
    /// <summary>Checks and handles one notification. Throwing answers 500 and changes nothing.</summary>
    public abstract Task<CallbackResponse> HandleAsync(CallbackRequest request);
}

/// <summary>One notification as it arrived: the tenant of its address, its headers, its body, and the engine's time.</summary>
public sealed class CallbackRequest
{
    private readonly IReadOnlyDictionary<string, string> _headers;
    private readonly Func<string, JsonObject?, bool> _resume;

    public CallbackRequest(string tenantId, IReadOnlyDictionary<string, string> headers, ReadOnlyMemory<byte> body, DateTimeOffset now,
        Func<string, JsonObject?, bool> resume, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenantId);
        ArgumentNullException.ThrowIfNull(headers);
        ArgumentNullException.ThrowIfNull(resume);
        TenantId = tenantId;
        _headers = new Dictionary<string, string>(headers, StringComparer.OrdinalIgnoreCase);
        Body = body;
        Now = now;
        _resume = resume;
        CancellationToken = cancellationToken;
    }

    /// <summary>The tenant named in the callback's address; its settings hold the secret to check the sender with.</summary>
    public string TenantId { get; }

    /// <summary>The request body exactly as sent (signatures are computed over these bytes).</summary>
    public ReadOnlyMemory<byte> Body { get; }

    /// <summary>The engine clock's current time (to refuse stale, replayed notifications).</summary>
    public DateTimeOffset Now { get; }

    public CancellationToken CancellationToken { get; }

    /// <summary>A header by name (case-insensitive); null when absent.</summary>
    public string? Header(string name) => _headers.TryGetValue(name, out var v) ? v : null;

    /// <summary>
    /// Resumes the activity of this tenant that waits with <paramref name="callbackKey"/>: its
    /// <see cref="WorkflowActivity.ResumeAsync"/> runs with <paramref name="payload"/>, in its own unit of work. False when
    /// none waits with that key (never known, or already resumed and ended: a duplicate or late notification).
    /// </summary>
    public bool Resume(string callbackKey, JsonObject? payload)
    {
        ArgumentException.ThrowIfNullOrEmpty(callbackKey);
        return _resume(callbackKey, payload);
    }
}

/// <summary>What the host answers the outside system.</summary>
/// <param name="StatusCode">The HTTP status code (200, 400, 401 …).</param>
/// <param name="Body">The body, or null for none.</param>
/// <param name="ContentType">The body's media type.</param>
public sealed record CallbackResponse(int StatusCode, string? Body = null, string ContentType = "application/json")
{
    /// <summary>200 with a JSON body.</summary>
    public static CallbackResponse Ok(JsonObject body) => new(200, body?.ToJsonString());

    /// <summary>An RFC 9457 problem (<c>application/problem+json</c>) with a title and a detail, no internals.</summary>
    public static CallbackResponse Problem(int statusCode, string title, string? detail = null) =>
        new(statusCode, new JsonObject { ["type"] = "about:blank", ["title"] = title, ["status"] = statusCode, ["detail"] = detail }.ToJsonString(),
            "application/problem+json");
}
