using System.Text.Json.Nodes;

namespace EGov.Workflows.Host.ExternalTasks;

/// <summary>Camunda 7 REST: POST /external-task/fetchAndLock.</summary>
public sealed record FetchAndLockRequest(
    string? WorkerId, int? MaxTasks, bool? UsePriority, long? AsyncResponseTimeout, List<FetchTopic>? Topics);

public sealed record FetchTopic(
    string? TopicName, long? LockDuration, List<string>? Variables, bool? LocalVariables, string? BusinessKey,
    string? ProcessDefinitionKey, List<string>? ProcessDefinitionKeyIn, string? ProcessDefinitionId, List<string>? ProcessDefinitionIdIn,
    List<string>? TenantIdIn, bool? WithoutTenantId, bool? DeserializeValues, bool? IncludeExtensionProperties);

/// <summary>A locked external task as Camunda 7 answers fetchAndLock (LockedExternalTaskDto).</summary>
public sealed record LockedExternalTaskDto(
    string ActivityId, string ActivityInstanceId, string? ErrorMessage, string? ErrorDetails, string ExecutionId, string Id,
    string? LockExpirationTime, string? CreateTime, string ProcessDefinitionId, string ProcessDefinitionKey, string? ProcessDefinitionVersionTag,
    string ProcessInstanceId, int? Retries, bool Suspended, string? WorkerId, string? TopicName, string? TenantId,
    JsonObject Variables, long Priority, string? BusinessKey, JsonObject ExtensionProperties)
{
    /// <summary>
    /// Not Camunda's: the W3C trace context of the command that created the task (null when it was not traced), so a worker
    /// continues the engine's trace — e.g. as the parent of its own span and the <c>traceparent</c> of its calls.
    /// </summary>
    public string? Traceparent { get; init; }
}

/// <summary>An external task as GET /external-task answers (ExternalTaskDto).</summary>
public sealed record ExternalTaskDto(
    string ActivityId, string ActivityInstanceId, string? ErrorMessage, string ExecutionId, string Id, string? LockExpirationTime,
    string ProcessDefinitionId, string ProcessDefinitionKey, string ProcessInstanceId, int? Retries, bool Suspended, string? WorkerId,
    string? TopicName, string? TenantId, long Priority, string? BusinessKey);

public sealed record CompleteExternalTaskRequest(string? WorkerId, JsonObject? Variables, JsonObject? LocalVariables);

public sealed record FailureRequest(string? WorkerId, string? ErrorMessage, string? ErrorDetails, int? Retries, long? RetryTimeout);

public sealed record BpmnErrorRequest(string? WorkerId, string? ErrorCode, string? ErrorMessage, JsonObject? Variables);

public sealed record ExtendLockRequest(string? WorkerId, long? NewDuration);

public sealed record LockRequest(string? WorkerId, long? LockDuration);

/// <summary>Camunda's error body: <c>{"type": "RestException", "message": "…"}</c>.</summary>
public sealed record CamundaErrorDto(string Type, string Message, int? Code = null);

/// <summary>An error answered in Camunda's shape (status 400 InvalidRequestException, 404 …, 500 RestException).</summary>
public sealed class CamundaRestException(int status, string message, string type = "RestException") : Exception(message)
{
    public int Status { get; } = status;
    public string Type { get; } = type;

    public static CamundaRestException Invalid(string message) => new(400, message, "InvalidRequestException");
    public static CamundaRestException NotFound(string message) => new(404, message, "RestException");
    public static CamundaRestException BadUser(string message) => new(400, message, "RestException");
}
