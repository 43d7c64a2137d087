using System.Text.Json.Nodes;
using EGov.Workflows.Host.Deployment;
using EGov.Workflows.Runtime;
using NodaTime;

namespace EGov.Workflows.Host.Api;

/// <summary>A deployed version of a process definition; deployedBy is the caller who deployed it through the API (null: the processes folder).</summary>
public sealed record ProcessDefinitionDto(string ProcessId, string? Name, int Version, string File, bool Latest, DateTimeOffset DeployedAt, string? DeployedBy)
{
    public static ProcessDefinitionDto From(DeployedDefinition d, bool latest) => new(d.ProcessId, d.Name, d.Version, d.File, latest, d.DeployedAt, d.DeployedBy);
}

/// <summary>Body of POST /api/process-definitions/{processId}/start.</summary>
public sealed record StartRequest(JsonObject? Variables, string? BusinessKey);

/// <summary>A process instance: state is running, completed, terminated or incident; waiting = element ids where tokens wait.</summary>
public sealed record ProcessInstanceDto(
    string Id, string ProcessId, int Version, string? BusinessKey, string State, JsonObject Variables, IReadOnlyList<string> Waiting,
    IReadOnlyList<IncidentDto> Incidents, IReadOnlyList<string> InstanceIds)
{
    public static ProcessInstanceDto From(ProcessInstanceView v, string processId) => new(
        v.Id, processId, v.Version, v.BusinessKey, StateName(v.State), v.Variables, v.Waiting,
        v.Incidents.Select(i => new IncidentDto(i.Id, i.InstanceId, i.RootInstanceId, processId, i.ElementId, i.Kind, i.Message, Time(i.CreatedAt))).ToList(),
        v.InstanceIds);

    public static string StateName(InstanceState s) => s switch
    {
        InstanceState.Running => "running",
        InstanceState.Completed => "completed",
        InstanceState.Terminated => "terminated",
        _ => "incident",
    };

    public static DateTimeOffset Time(Instant i) => i.ToDateTimeOffset();
}

/// <summary>
/// One element instance of a root instance tree; endedAt is null while it is still active. activityPack names the pack
/// and version whose custom activity ran it ("Melderegister 1.2.0"), when one did.
/// </summary>
public sealed record ElementInstanceDto(
    string ElementId, string ElementType, string? ElementName, string InstanceId, DateTimeOffset StartedAt, DateTimeOffset? EndedAt, bool? Completed,
    string? ActivityPack = null);

/// <summary>Body of POST /api/tasks/{id}/complete.</summary>
public sealed record CompleteRequest(JsonObject? Variables);

/// <summary>Body of POST /api/messages.</summary>
public sealed record MessageRequest(string? Name, string? CorrelationKey, JsonObject? Variables, bool All = false);

/// <summary>Answer of POST /api/messages: how many waiting receivers (or new instances) took the message.</summary>
public sealed record MessageResult(int Correlated);

/// <summary>Body of POST /api/signals.</summary>
public sealed record SignalRequest(string? Name, JsonObject? Variables);

public sealed record SignalResult(int Received);

/// <summary>An open incident.</summary>
public sealed record IncidentDto(string Id, string InstanceId, string RootInstanceId, string? ProcessId, string ElementId, string Kind, string Message, DateTimeOffset CreatedAt);

/// <summary>
/// Answer of GET /api/health: status "ok", or "not ready" with the reason of the first failed readiness check (503); node is
/// the name this node leases jobs under, jobsExecuted how many it ran to a commit since it started (durable stores).
/// </summary>
public sealed record HealthDto(string Status, string Store, bool Durable, string Tenant, string Version, string? Node, long? JobsExecuted, string? Reason = null);
