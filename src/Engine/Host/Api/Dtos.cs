using System.Text.Json.Nodes;
using EGov.Workflows.Host.Deployment;
using EGov.Workflows.Runtime;
using NodaTime;

namespace EGov.Workflows.Host.Api;

/// <summary>A deployed version of a process definition; deployedBy is the caller who deployed it through the API (null: the processes folder).</summary>
public sealed record ProcessDefinitionDto(string ProcessId, string? Name, int Version, string File, bool Latest, DateTimeOffset DeployedAt, string? DeployedBy)
{
    /// <summary><c>egov:validFrom</c> of the version: the first application date it handles (null: since ever).</summary>
    public string? ValidFrom { get; init; }
    /// <summary><c>egov:validTo</c>: the last application date it handles (null: until the next version begins).</summary>
    public string? ValidTo { get; init; }
    /// <summary><c>egov:legalBasis</c>: the legal basis the version applies.</summary>
    public string? LegalBasis { get; init; }
    /// <summary>What changed in this version, in the deployer's words (the designer's change note); null when none was given.</summary>
    public string? ChangeNote { get; init; }

    public static ProcessDefinitionDto From(DeployedDefinition d, bool latest)
    {
        // From the catalogue's outline: listing every version reads no model.
        return new(d.ProcessId, d.Name, d.Version, d.File, latest, d.DeployedAt, d.DeployedBy)
        {
            ValidFrom = d.ProcessAttribute(Model.Namespaces.Egov + "validFrom"),
            ValidTo = d.ProcessAttribute(Model.Namespaces.Egov + "validTo"),
            LegalBasis = d.ProcessAttribute(Model.Namespaces.Egov + "legalBasis"),
            ChangeNote = d.ChangeNote,
        };
    }
}

/// <summary>Body of POST /api/process-definitions/{processId}/start.</summary>
public sealed record StartRequest(JsonObject? Variables, string? BusinessKey)
{
    /// <summary>The application date (YYYY-MM-DD): the case starts on the version valid that day (default: today, Europe/Berlin).</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public string? ApplicationDate { get; init; }
}

/// <summary>A process instance: state is running, completed, terminated or incident; waiting = element ids where tokens wait.</summary>
public sealed record ProcessInstanceDto(
    string Id, string ProcessId, int Version, string? BusinessKey, string State, JsonObject Variables, IReadOnlyList<string> Waiting,
    IReadOnlyList<IncidentDto> Incidents, IReadOnlyList<string> InstanceIds)
{
    /// <summary>The legal basis (<c>egov:legalBasis</c>) of the version the case runs on, fixed when it started.</summary>
    public string? LegalBasis { get; init; }

    /// <summary>
    /// The running Fristen (egov:frist; docs/fristen.md): where each is written, the day it counts from and its last day
    /// (YYYY-MM-DD, Europe/Berlin; it ends when that day ends), days of Hemmung, since when it stands still now.
    /// </summary>
    public IReadOnlyList<FristInfo> Fristen { get; init; } = [];

    public static ProcessInstanceDto From(ProcessInstanceView v, string processId) => new(
        v.Id, processId, v.Version, v.BusinessKey, StateName(v.State), v.Variables, v.Waiting,
        v.Incidents.Select(i => IncidentDto.Of(i.Id, i.InstanceId, i.RootInstanceId, processId, i.ElementId, i.Kind, i.Message, i.Details, Time(i.CreatedAt))).ToList(),
        v.InstanceIds) { LegalBasis = v.LegalBasis, Fristen = v.Fristen };

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

/// <summary>
/// An open incident: <c>message</c> in plain German for the clerk or operator who finds it, <c>details</c> the technical text
/// (the script error, the budget that was exceeded) for whoever fixes it.
/// </summary>
public sealed record IncidentDto(string Id, string InstanceId, string RootInstanceId, string? ProcessId, string ElementId, string Kind, string Message, DateTimeOffset CreatedAt, string? Details = null)
{
    /// <summary>
    /// The incident as the API shows it. An engine message that is already plain language (it has its details beside it) and
    /// a worker's own failure message stay as they are; any other engine message becomes the details of a German sentence
    /// that says what stopped where.
    /// </summary>
    public static IncidentDto Of(string id, string instanceId, string rootInstanceId, string? processId, string elementId, string kind,
        string message, string? details, DateTimeOffset createdAt)
    {
        if (details is not null || kind == nameof(Runtime.State.IncidentKind.FailedExternalTask))
            return new(id, instanceId, rootInstanceId, processId, elementId, kind, message, createdAt, details);
        return new(id, instanceId, rootInstanceId, processId, elementId, kind, ClerkText(kind, elementId, message), createdAt, message);
    }

    private static string ClerkText(string kind, string elementId, string technical)
    {
        var step = $"Der Schritt „{elementId}“";
        if (technical.StartsWith("the command was stopped and rolled back", StringComparison.Ordinal))
            return $"{step} wurde abgebrochen, weil er zu lange lief oder zu viel Arbeit auf einmal verlangte; davon wurde nichts gespeichert. Bitte die Fachadministration informieren.";
        return kind switch
        {
            nameof(Runtime.State.IncidentKind.FailedScript) => $"{step} ist angehalten: ein Skript des Prozessmodells ist fehlgeschlagen. Bitte die Fachadministration informieren.",
            nameof(Runtime.State.IncidentKind.FailedExpression) => $"{step} ist angehalten: eine Bedingung oder Berechnung des Prozessmodells ließ sich nicht auswerten. Bitte die Fachadministration informieren.",
            nameof(Runtime.State.IncidentKind.FailedActivity) => $"{step} ist angehalten: eine angebundene Fachanwendung hat einen Fehler gemeldet. Nach der Behebung kann der Schritt erneut angestoßen werden.",
            _ => $"{step} ist angehalten: ein zeitgesteuerter oder im Hintergrund laufender Auftrag ist fehlgeschlagen. Nach der Behebung kann er erneut angestoßen werden.",
        };
    }
}

/// <summary>
/// Answer of GET /api/health: status "ok", or "not ready" with the reason of the first failed readiness check (503); node is
/// the name this node leases jobs under, jobsExecuted how many it ran to a commit since it started (durable stores).
/// </summary>
public sealed record HealthDto(string Status, string Store, bool Durable, string Tenant, string Version, string? Node, long? JobsExecuted, string? Reason = null);
