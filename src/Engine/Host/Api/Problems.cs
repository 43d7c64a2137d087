using EGov.Workflows.Host.ExternalTasks;
using EGov.Workflows.Persistence.Faults;
using EGov.Workflows.Runtime;
using EGov.Workflows.Runtime.Store;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Logging;

namespace EGov.Workflows.Host.Api;

/// <summary>An error the API reports as RFC 9457 problem details: status, title, detail and optional extensions.</summary>
public sealed class ApiProblemException(int status, string title, string detail, IDictionary<string, object?>? extensions = null) : Exception(detail)
{
    public int Status { get; } = status;
    public string Title { get; } = title;
    public IDictionary<string, object?> Extensions { get; } = extensions ?? new Dictionary<string, object?>();

    public static ApiProblemException BadRequest(string detail, string? expected = null) =>
        new(400, "Bad request", detail, expected is null ? null : new Dictionary<string, object?> { ["expected"] = expected });
    public static ApiProblemException NotFound(string detail) => new(404, "Not found", detail);
    public static ApiProblemException Conflict(string detail) => new(409, "Conflict", detail);

    // German problems, for the endpoints whose callers read German (staff of the Bürgerbüro, the IT-Service, citizens):
    // the title names the kind, the detail says what was wrong and what to send instead.
    public const string TitelUngueltig = "Ungültige Anfrage", TitelNichtGefunden = "Nicht gefunden", TitelKonflikt = "Konflikt";
    public static ApiProblemException Ungueltig(string detail, string? expected = null) =>
        new(400, TitelUngueltig, detail, expected is null ? null : new Dictionary<string, object?> { ["expected"] = expected });
    public static ApiProblemException NichtGefunden(string detail) => new(404, TitelNichtGefunden, detail);
    public static ApiProblemException Konflikt(string detail) => new(409, TitelKonflikt, detail);
}

/// <summary>
/// Endpoint metadata: the endpoint answers in German, also where the framework refuses the request before the handler runs
/// (a body that is no JSON or has a value of the wrong kind, a query value that is no number, no body at all).
/// </summary>
public sealed record GermanProblems;

/// <summary>Logs storage faults: the first of a kind at once, then at most one line per kind every 30 seconds with how many were left out.</summary>
internal static class StorageFaultLog
{
    private static readonly TimeSpan Quiet = TimeSpan.FromSeconds(30);
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<StorageFaultKind, (long At, int Skipped)> Last = new();

    public static void Report(ILogger log, StorageFault fault, Exception exception, HttpContext context)
    {
        var now = Environment.TickCount64;
        var skipped = 0;
        var write = false;
        Last.AddOrUpdate(fault.Kind, _ => { write = true; return (now, 0); }, (_, last) =>
        {
            if (now - last.At < Quiet.TotalMilliseconds) { write = false; return (last.At, last.Skipped + 1); }
            write = true;
            skipped = last.Skipped;
            return (now, 0);
        });
        if (write && log.IsEnabled(LogLevel.Error))
            log.LogError(exception, "storage failure ({Fault}) on {Method} {Path}, answered 503{Skipped}: {Message}",
                fault.Reason, context.Request.Method, context.Request.Path, skipped > 0 ? $" ({skipped} more since the last line)" : "", exception.Message);
    }
}

/// <summary>Endpoint metadata: the request body an endpoint expects, quoted in a 400 answer when the body cannot be read.</summary>
public sealed record ExpectedBody(string Shape);

/// <summary>
/// Maps every exception to problem details (application/problem+json): never a stack trace. 400 bad input (with what
/// was expected), 404 unknown, 409 conflicts (a concurrent change, a task already completed), 422 models that cannot
/// be deployed (each message <c>file:line:column: error: …</c>), 500 anything else (logged, not shown).
/// </summary>
internal sealed class ProblemExceptionHandler(IProblemDetailsService problems, ILogger<ProblemExceptionHandler> log) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        if (StorageFaults.Classify(exception) is { } fault)
        {
            // The store is away, full or read-only: 503 with when to try again, never a bare 500. Nothing of the request was
            // saved (a commit is one transaction). Logged, but not once per request of an outage.
            StorageFaultLog.Report(log, fault, exception, context);
            context.Response.Headers.RetryAfter = ((int)fault.RetryAfter.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        if (context.Request.Path.StartsWithSegments("/engine-rest")) return await WriteCamundaError(context, exception, cancellationToken);
        var problem = ToProblem(context, exception);
        if (problem.Status == 500) log.LogError(exception, "unhandled error on {Method} {Path}", context.Request.Method, context.Request.Path);
        context.Response.StatusCode = problem.Status ?? 500;
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = problem, Exception = null });
    }

    /// <summary>/engine-rest answers errors as Camunda does: <c>{"type": "RestException", "message": "…"}</c>, application/json.</summary>
    private async Task<bool> WriteCamundaError(HttpContext context, Exception exception, CancellationToken cancel)
    {
        (int status, string type, string message) = exception switch
        {
            _ when StorageFaults.Classify(exception) is { } f => (503, "ProcessEngineException", $"{f.Title}: {f.Detail}"),
            CamundaRestException e => (e.Status, e.Type, e.Message),
            ApiProblemException e => (e.Status, "InvalidRequestException", e.Message),
            BadHttpRequestException e => (400, "InvalidRequestException", BodyMessage(e)),
            System.Text.Json.JsonException e => (400, "InvalidRequestException", $"the body is not valid JSON: {e.Message}"),
            ConcurrencyConflictException e => (500, "OptimisticLockingException", e.Message),
            WorkflowNotFoundException e => (404, "RestException", e.Message),
            AmbiguousCorrelationException e => (400, "RestException", e.Message), // Camunda answers a MismatchingMessageCorrelationException with 400
            WorkflowCommandException e => (400, "BadUserRequestException", e.Message),
            _ => (500, "RestException", "the server failed to handle the request; the server log has the details"),
        };
        if (status == 500 && exception is not ConcurrencyConflictException)
            log.LogError(exception, "unhandled error on {Method} {Path}", context.Request.Method, context.Request.Path);
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await System.Text.Json.JsonSerializer.SerializeAsync(context.Response.Body, new CamundaErrorDto(type, message),
            System.Text.Json.JsonSerializerOptions.Web, cancel);
        return true;
    }

    internal static ProblemDetails ToProblem(HttpContext context, Exception exception)
    {
        if (EndpointOf(context)?.Metadata.GetMetadata<GermanProblems>() is not null && Deutsch(context, exception) is { } deutsch)
        {
            deutsch.Instance = context.Request.Path;
            return deutsch;
        }
        var p = exception switch
        {
            _ when StorageFaults.Classify(exception) is { } f => Make(503, f.Title, f.Detail,
                new Dictionary<string, object?> { ["retryAfterSeconds"] = (int)f.RetryAfter.TotalSeconds }),
            ApiProblemException e => Make(e.Status, e.Title, e.Message, e.Extensions),
            DeploymentException e => Make(422, "Model cannot be deployed", $"{e.Messages.Count} problem(s) in the model(s)",
                new Dictionary<string, object?> { ["errors"] = e.Messages }),
            ConcurrencyConflictException e => Make(409, "Conflict", $"another command changed the same process instance at the same time; try again ({e.Message})"),
            WorkflowNotFoundException e => Make(404, "Not found", e.Message),
            WorkflowEndedException e => Make(409, "Already ended", e.Message),
            InstanceExistsException e => Make(409, e.BusinessKey is null ? "Instance exists" : "Business key taken", e.Message,
                e.InstanceId is null ? null : new Dictionary<string, object?> { ["instanceId"] = e.InstanceId }),
            AmbiguousCorrelationException e => Make(409, "Ambiguous message", e.Message),
            InstanceQuotaException e => Make(409, "Quota exceeded", e.Message,
                new Dictionary<string, object?> { ["quota"] = "openInstances", ["limit"] = e.Limit, ["used"] = e.Used, ["elementId"] = e.ElementId }),
            CommandBudgetException e => Make(422, "Command over its budget", e.Message,
                e.ElementId is null ? null : new Dictionary<string, object?> { ["elementId"] = e.ElementId }),
            VariableLimitException e => Make(400, "Variables over the limits", e.Message),
            WorkflowCommandException e => Make(400, "Command refused", e.Message),
            BadHttpRequestException e => Make(e.StatusCode, e.StatusCode == 400 ? "Bad request" : "Request refused", BodyMessage(e),
                EndpointOf(context)?.Metadata.GetMetadata<ExpectedBody>() is { } shape ? new Dictionary<string, object?> { ["expected"] = shape.Shape } : null),
            System.Text.Json.JsonException e => Make(400, "Bad request", $"the body is not valid JSON: {e.Message}",
                EndpointOf(context)?.Metadata.GetMetadata<ExpectedBody>() is { } s ? new Dictionary<string, object?> { ["expected"] = s.Shape } : null),
            OperationCanceledException => Make(499, "Request cancelled", "the client closed the request"),
            _ => Make(500, "Internal error", "the server failed to handle the request; the server log has the details"),
        };
        p.Instance = context.Request.Path;
        return p;
    }

    /// <summary>
    /// The German answer for a request the framework could not read (<see cref="GermanProblems"/>): which field or parameter, and
    /// what it expects. Null for every other exception (those of the handler are German where the endpoint throws them).
    /// </summary>
    private static ProblemDetails? Deutsch(HttpContext context, Exception exception)
    {
        var expected = EndpointOf(context)?.Metadata.GetMetadata<ExpectedBody>() is { } shape ? new Dictionary<string, object?> { ["expected"] = shape.Shape } : null;
        var json = exception as System.Text.Json.JsonException ?? exception.InnerException as System.Text.Json.JsonException;
        if (json is not null)
        {
            // The path names the field ($.von, $[0].bis); its type comes from the body's type, as the message names only the record.
            var feld = json.Path is { Length: > 1 } path ? path.Split('.', StringSplitOptions.RemoveEmptyEntries).Last().TrimStart('$') : null;
            if (feld is { Length: 0 } || feld?.StartsWith('[') == true) feld = null;
            var body = EndpointOf(context)?.Metadata.GetMetadata<Microsoft.AspNetCore.Http.Metadata.IAcceptsMetadata>()?.RequestType;
            if (body is { IsGenericType: true } && body.GetGenericArguments() is [var element]) body = element;
            var typ = feld is null ? body : body?.GetProperties().FirstOrDefault(p => string.Equals(p.Name, feld, StringComparison.OrdinalIgnoreCase))?.PropertyType;
            if (feld is null && json.Path is "$" && EndpointOf(context)?.Metadata.GetMetadata<Microsoft.AspNetCore.Http.Metadata.IAcceptsMetadata>()?.RequestType is { IsGenericType: true }) typ = typeof(List<object>);
            var art = Art(typ);
            return Make(400, ApiProblemException.TitelUngueltig, feld is null
                ? (json.Path is "$" && art is not null ? $"Der Inhalt der Anfrage passt nicht: erwartet ist {art}." : "Der Inhalt der Anfrage ist kein lesbares JSON.")
                : $"Der Wert von „{feld}“ ist nicht lesbar: erwartet ist {art ?? "ein Wert anderer Art"}.", expected);
        }
        if (exception is not BadHttpRequestException bad) return null;
        if (bad.StatusCode == 413) return Make(413, "Anfrage zu groß", "Der Inhalt der Anfrage ist zu groß.");
        if (bad.StatusCode != 400) return null;
        var m = System.Text.RegularExpressions.Regex.Match(bad.Message, "^Failed to bind parameter \"(?<typ>[^\"]+) (?<name>[^\" ]+)\" from \"(?<wert>.*)\"\\.?$",
            System.Text.RegularExpressions.RegexOptions.Singleline, TimeSpan.FromSeconds(1));
        if (m.Success)
        {
            var wert = new string(m.Groups["wert"].Value.Where(c => !char.IsControl(c)).Take(60).ToArray());
            var typName = m.Groups["typ"].Value.Replace("Nullable<", "", StringComparison.Ordinal).TrimEnd('?', '>');
            var art = typName switch { "int" or "long" or "Int32" or "Int64" => "eine ganze Zahl", "bool" or "Boolean" => "true oder false", "decimal" or "double" or "Decimal" or "Double" => "eine Zahl", _ => "ein Wert anderer Art" };
            return Make(400, ApiProblemException.TitelUngueltig, $"„{wert}“ ist für „{m.Groups["name"].Value}“ nicht lesbar: erwartet ist {art}.");
        }
        if (bad.Message.StartsWith("Required parameter", StringComparison.Ordinal) || bad.Message.Contains("no body was provided", StringComparison.Ordinal) || bad.Message.Contains("request body", StringComparison.OrdinalIgnoreCase))
            return Make(400, ApiProblemException.TitelUngueltig, "Der Anfrage fehlt der Inhalt: ein JSON-Objekt.", expected);
        return Make(400, ApiProblemException.TitelUngueltig, "Die Anfrage ist nicht lesbar.", expected);
    }

    /// <summary>What a value of <paramref name="type"/> looks like, in German; null when there is nothing plain to say.</summary>
    private static string? Art(Type? type)
    {
        if (type is null) return null;
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type == typeof(DateTimeOffset) || type == typeof(DateTime)) return "ein Zeitpunkt mit Datum, Uhrzeit und Zeitzone, z. B. 2027-03-02T09:30:00+01:00";
        if (type == typeof(int) || type == typeof(long) || type == typeof(short)) return "eine ganze Zahl";
        if (type == typeof(decimal) || type == typeof(double) || type == typeof(float)) return "eine Zahl, z. B. 9.90";
        if (type == typeof(bool)) return "true oder false";
        if (type == typeof(string)) return "ein Text in Anführungszeichen";
        if (type.IsArray || (type.IsGenericType && typeof(System.Collections.IEnumerable).IsAssignableFrom(type))) return "eine Liste [ … ]";
        if (type.IsClass) return "ein JSON-Objekt { … }";
        return null;
    }

    /// <summary>Problems written by the framework (no route, wrong method, wrong content type) get a detail that says what to do.</summary>
    internal static void FillIn(ProblemDetailsContext c)
    {
        var p = c.ProblemDetails;
        var request = c.HttpContext.Request;
        if (p.Detail is not null) return;
        if (p.Status == 415 && c.HttpContext.GetEndpoint()?.Metadata.GetMetadata<GermanProblems>() is not null)
        {
            p.Title = "Falsche Art des Inhalts";
            p.Detail = $"Der Inhalt muss JSON sein (Content-Type: application/json), nicht „{request.ContentType ?? "(keiner)"}“.";
        }
        p.Detail ??= p.Status switch
        {
            404 => $"no resource at {request.Method} {request.Path}; the OpenAPI document /openapi/v1.json lists every route",
            405 => $"{request.Method} is not allowed on {request.Path}",
            415 => $"Content-Type '{request.ContentType ?? "(none)"}' is not accepted here",
            _ => p.Title ?? "the request failed",
        };
        p.Instance ??= request.Path;
        if (p.Status == 415 && c.HttpContext.GetEndpoint()?.Metadata.GetMetadata<ExpectedBody>() is { } shape) p.Extensions["expected"] = shape.Shape;
    }

    /// <summary>The endpoint that failed (the exception handler clears the request's endpoint before it runs).</summary>
    private static Endpoint? EndpointOf(HttpContext context) =>
        context.Features.Get<IExceptionHandlerFeature>()?.Endpoint ?? context.GetEndpoint();

    private static string BodyMessage(BadHttpRequestException e) =>
        e.InnerException is System.Text.Json.JsonException j ? $"the body is not what the endpoint expects: {j.Message}" : e.Message;

    private static ProblemDetails Make(int status, string title, string detail, IDictionary<string, object?>? ext = null)
    {
        var p = new ProblemDetails { Status = status, Title = title, Detail = detail };
        if (ext is not null) foreach (var kv in ext) p.Extensions[kv.Key] = kv.Value;
        return p;
    }
}
