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
    private static readonly IReadOnlyDictionary<string, string> NoValues = new Dictionary<string, string>(0);

    public WorkflowCommandException() { }
    public WorkflowCommandException(string message) : base(message) { }
    public WorkflowCommandException(string message, Exception inner) : base(message, inner) { }

    /// <summary>A refusal with its reason and the reason's values (named as <see cref="RefusalReason"/> says) beside the English message.</summary>
    public WorkflowCommandException(string message, RefusalReason reason, params (string Name, string Value)[] values) : base(message)
    {
        Reason = reason;
        Values = Refusal.Values(values);
    }

    /// <summary>Why, machine-readable: callers answer in their own words by this (the Postkorb in German), not by the message's wording.</summary>
    public RefusalReason Reason { get; }

    /// <summary>The values the reason names (element, date, period, …), as text; empty when the reason has none.</summary>
    public IReadOnlyDictionary<string, string> Values { get; } = NoValues;
}

/// <summary>
/// Why the engine refused a command, stable for callers that answer in their own words (the Postkorb's German problems map
/// these, never the English message, which stays for logs, the CLI and the operators' API). The values each reason carries
/// in <see cref="WorkflowCommandException.Values"/> are named in its summary.
/// </summary>
public enum RefusalReason
{
    /// <summary>Not classified: only the message says why.</summary>
    Unspecified = 0,

    /// <summary>No such process instance (case): <c>instanceId</c>.</summary>
    InstanceNotFound,
    /// <summary>No such task: <c>taskId</c>.</summary>
    TaskNotFound,
    /// <summary>The task was completed, cancelled or resolved, or its instance ended: <c>taskId</c>, <c>instanceEnded</c> (true/false).</summary>
    TaskNoLongerOpen,
    /// <summary>Someone else holds the task and taking it over was not asked for: <c>taskId</c>, <c>holder</c>.</summary>
    TaskHeld,
    /// <summary>
    /// The task is delegated and not resolved: the delegate resolves it (gives it back to the owner), then the owner completes it:
    /// <c>taskId</c>, <c>owner</c>, and <c>delegate</c> when completing was refused.
    /// </summary>
    TaskDelegated,
    /// <summary>Only a delegated task is resolved: <c>taskId</c>.</summary>
    TaskNotDelegated,

    /// <summary>§42a (2) VwVfG: no running Frist at the element in the case: <c>elementId</c>, <c>instanceId</c>.</summary>
    FristNotRunning,
    /// <summary>Several Fristen run at the element (a multi-instance activity): <c>elementId</c>, <c>instanceId</c>, <c>count</c>.</summary>
    FristSeveral,
    /// <summary>The task is not dated by a Genehmigungsfiktion: <c>taskId</c>.</summary>
    FristTaskNotDatedByFiktion,
    /// <summary>The Frist is no Genehmigungsfiktion (egov:fiktion): <c>elementId</c>.</summary>
    FristNotFiktion,
    /// <summary>The Frist was extended once already: <c>elementId</c>, <c>extendedOn</c> (ISO date), <c>extension</c> (ISO period).</summary>
    FristAlreadyExtended,
    /// <summary>The Frist has not begun (its documents are not complete): <c>elementId</c>.</summary>
    FristNotBegun,
    /// <summary>The Frist has passed: <c>elementId</c>, <c>endedOn</c> (ISO date).</summary>
    FristEnded,
    /// <summary>An extension without its reason.</summary>
    FristExtensionReasonMissing,
    /// <summary>The reason is too long: <c>length</c>, <c>max</c>.</summary>
    FristExtensionReasonTooLong,
    /// <summary>The extension is no positive number of days, weeks, months or years: <c>extension</c>.</summary>
    FristExtensionNotPositive,
    /// <summary>The extension is longer than the Frist itself: <c>extension</c>, <c>duration</c> (ISO periods).</summary>
    FristExtensionTooLong,
}

/// <summary>Builds the values of a refusal.</summary>
internal static class Refusal
{
    public static IReadOnlyDictionary<string, string> Values((string Name, string Value)[]? values)
    {
        var d = new Dictionary<string, string>(values?.Length ?? 0, StringComparer.Ordinal);
        foreach (var (name, value) in values ?? []) d[name] = value;
        return d;
    }
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
    public WorkflowNotFoundException(string message, RefusalReason reason, params (string Name, string Value)[] values) : base(message, reason, values) { }
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
    public WorkflowEndedException(string message, RefusalReason reason, params (string Name, string Value)[] values) : base(message, reason, values) { }
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
