using System.Text.Json.Nodes;
using EGov.Workflows.Runtime.State;
using NodaTime;

namespace EGov.Workflows.Runtime;

/// <summary>A deployed process definition.</summary>
public sealed record DeployedProcess(string ProcessId, string? Name, int Version, string File, IReadOnlyDictionary<string, string> Properties)
{
    /// <summary><c>egov:validFrom</c>: the first application date this version handles (null: since ever).</summary>
    public NodaTime.LocalDate? ValidFrom { get; init; }
    /// <summary><c>egov:validTo</c>: the last application date it handles (null: until the next version begins).</summary>
    public NodaTime.LocalDate? ValidTo { get; init; }
    /// <summary><c>egov:legalBasis</c>: the legal basis the version applies.</summary>
    public string? LegalBasis { get; init; }
}

/// <summary>The state of a root instance as the scenario runner and the API report it.</summary>
public enum InstanceState { Running, Completed, Terminated, Incident }

/// <summary>An open user task.</summary>
public sealed record UserTaskInfo(
    string Id, string ElementId, string InstanceId, string RootInstanceId, string ProcessId, string? Name, string? Assignee,
    IReadOnlyList<string> CandidateUsers, IReadOnlyList<string> CandidateGroups, Instant? Due, Instant? FollowUp,
    int Priority, string? FormKey, Instant CreatedAt, string? BusinessKey);

/// <summary>An open external task: fetchable by a worker when <see cref="IsAvailable"/> (and not suspended by an incident).</summary>
public sealed record ExternalTaskInfo(
    string Id, string ElementId, string InstanceId, string RootInstanceId, string ProcessId, string? Topic, bool Unbound,
    Instant AvailableAt, int? Retries, string? ErrorMessage, bool Suspended, int Priority, Instant CreatedAt, string? BusinessKey)
{
    /// <summary>True when a worker may fetch it at <paramref name="now"/>.</summary>
    public bool IsAvailableAt(Instant now) => !Suspended && AvailableAt <= now;
}

/// <summary>An open incident.</summary>
public sealed record IncidentInfo(string Id, string InstanceId, string RootInstanceId, string ElementId, string Kind, string Message, Instant CreatedAt, string? Details = null);

/// <summary>A root instance with the instances it called: state, waiting elements, history, variables, incidents.</summary>
public sealed record ProcessInstanceView(
    string Id, string ProcessId, int Version, string? BusinessKey, InstanceState State,
    IReadOnlyList<string> Waiting, IReadOnlyList<ElementInstanceRecord> History, JsonObject Variables,
    IReadOnlyList<IncidentInfo> Incidents, IReadOnlyList<string> InstanceIds)
{
    /// <summary>The legal basis (<c>egov:legalBasis</c>) of the version the case runs on: fixed when it started.</summary>
    public string? LegalBasis { get; init; }

    /// <summary>The running Fristen (egov:frist) of the root instance and the instances it called.</summary>
    public IReadOnlyList<FristInfo> Fristen { get; init; } = [];

    /// <summary>Element instances that completed (not cancelled), per element id.</summary>
    public int CompletedCount(string elementId) => History.Count(h => h.Completed && h.ElementId == elementId);
}

/// <summary>
/// A running Frist: where it is written (the process id for the case's Frist), as written (P3M), Ereignis or Beginn, the
/// day it counts from and its last day (YYYY-MM-DD; null while the case's Frist waits for its egov:fristBeginn), days of
/// Hemmung so far and since when it stands still now, and whether its passing is a Genehmigungsfiktion (§42a VwVfG).
/// </summary>
public sealed record FristInfo(
    string InstanceId, string ElementId, string Dauer, string Art, string? Beginn, string? Ende, int Hemmungstage, string? GehemmtSeit, bool Fiktion)
{
    /// <summary>§42a (2) sentence 3 VwVfG: the one extension (an ISO period), or null.</summary>
    public string? Verlaengerung { get; init; }
    /// <summary>The reason given for the extension.</summary>
    public string? VerlaengerungGrund { get; init; }
    /// <summary>The day of the extension (YYYY-MM-DD).</summary>
    public string? VerlaengertAm { get; init; }
}

/// <summary>A deployment was refused: every message is positioned as <c>file:line:column: message</c>.</summary>
public sealed class DeploymentException : Exception
{
    public DeploymentException(IReadOnlyList<string> messages) : base(string.Join(Environment.NewLine, messages)) => Messages = messages;
    public DeploymentException() : this([]) { }
    public DeploymentException(string message) : this([message]) { }
    public DeploymentException(string message, Exception inner) : base(message, inner) => Messages = [message];
    public IReadOnlyList<string> Messages { get; }
}

/// <summary>
/// A command was refused: as such (it makes no sense in the state it found), or as one of the kinds below — not found
/// (<see cref="WorkflowNotFoundException"/>), already ended (<see cref="WorkflowEndedException"/>), another worker's
/// lock (<see cref="ExternalTaskLockedException"/>). Nothing changed.
/// </summary>
public class WorkflowCommandException : Exception
{
    public WorkflowCommandException() { }
    public WorkflowCommandException(string message) : base(message) { }
    public WorkflowCommandException(string message, Exception inner) : base(message, inner) { }
}

/// <summary>
/// A start was refused because the instance it would create exists already: another instance holds the business key of a
/// process with <c>egov:uniqueBusinessKey</c> (<see cref="BusinessKey"/> set), or an instance with the requested id was
/// started before (an idempotent start repeated). Nothing changed; an API answers 409.
/// </summary>
public sealed class InstanceExistsException : WorkflowCommandException
{
    public InstanceExistsException() { }
    public InstanceExistsException(string message) : base(message) { }
    public InstanceExistsException(string message, Exception inner) : base(message, inner) { }
    public InstanceExistsException(string message, string instanceId, string? businessKey) : base(message)
    {
        InstanceId = instanceId;
        BusinessKey = businessKey;
    }

    /// <summary>The existing instance.</summary>
    public string? InstanceId { get; }
    /// <summary>The business key that is taken (unique business keys), else null.</summary>
    public string? BusinessKey { get; }
}

/// <summary>A command names something that does not exist (process, instance, task, incident): an API answers 404.</summary>
public sealed class WorkflowNotFoundException : WorkflowCommandException
{
    public WorkflowNotFoundException() { }
    public WorkflowNotFoundException(string message) : base(message) { }
    public WorkflowNotFoundException(string message, Exception inner) : base(message, inner) { }
}

/// <summary>
/// A command names something that existed and is over: an ended instance, a completed or cancelled task, a resolved
/// incident (an API answers 409: repeating a command that already happened, or losing a race to another one).
/// </summary>
public sealed class WorkflowEndedException : WorkflowCommandException
{
    public WorkflowEndedException() { }
    public WorkflowEndedException(string message) : base(message) { }
    public WorkflowEndedException(string message, Exception inner) : base(message, inner) { }
}

/// <summary>
/// A message matched more than one waiting receiver while the sender asked for exactly one (Camunda's
/// MismatchingMessageCorrelationException): delivering it to an arbitrary one, or to all, would move cases nobody meant
/// to move. Nothing changed; the sender narrows the correlation key or asks for all explicitly.
/// </summary>
public sealed class AmbiguousCorrelationException : WorkflowCommandException
{
    public AmbiguousCorrelationException() { }
    public AmbiguousCorrelationException(string message) : base(message) { }
    public AmbiguousCorrelationException(string message, Exception inner) : base(message, inner) { }
}

/// <summary>
/// An external task command by a worker that does not hold the task's lock (Camunda: only the lock owner may complete,
/// fail, report a BPMN error or extend the lock). Checked in the same command as the change, so nothing changed.
/// </summary>
public sealed class ExternalTaskLockedException : WorkflowCommandException
{
    public ExternalTaskLockedException() { }
    public ExternalTaskLockedException(string message) : base(message) { }
    public ExternalTaskLockedException(string message, Exception inner) : base(message, inner) { }
}
