using NodaTime;

namespace EGov.Workflows.Runtime.Store;

/// <summary>How a user task came to its holder in a committed command.</summary>
public enum TaskAssignmentKind
{
    /// <summary>The task was created with an assignee (the model's <c>camunda:assignee</c>).</summary>
    Created,
    /// <summary>Someone gave it an assignee: a claim, a team lead's assignment, the owner getting a resolved delegation back.</summary>
    Assigned,
    /// <summary>It was delegated (Camunda delegation) to its new assignee.</summary>
    Delegated,
}

/// <summary>
/// A user task got an assignee in a committed command — however it happened (the model, a claim through any API, an
/// assignment, a delegation). A durable store writes it in the command's own transaction, so there is exactly one per
/// event, never one for a command that rolled back. <paramref name="Actor"/> is who ran the command (null: the engine
/// itself, e.g. a timer), so a consumer can leave out what someone did to themself.
/// </summary>
public sealed record TaskAssignment(string Id, string TenantId, string InstanceId, string TaskId, string Assignee, string? Actor,
    TaskAssignmentKind Kind, Instant At);

/// <summary>A <see cref="TaskAssignment"/> waiting to be announced, leased to one sender, with the tries made so far.</summary>
public sealed record PendingAssignment(TaskAssignment Assignment, int Attempts, string LeaseOwner);

/// <summary>
/// The outbox of assignments to announce (e-mail on assignment): filled by commits, emptied by one background sender per
/// node. A lease makes sure two nodes never hold the same entry at once; an entry whose sender died is leased again
/// when its lease ran out. Every answer is scoped to the lease owner: a sender that lost its lease changes nothing.
/// </summary>
public interface IAssignmentOutbox
{
    /// <summary>Leases up to <paramref name="max"/> entries due at <paramref name="now"/> to <paramref name="owner"/>, oldest first.</summary>
    IReadOnlyList<PendingAssignment> LeaseAssignments(string owner, Instant now, Duration lease, int max);

    /// <summary>Done with it (sent, or nothing to send): the entry goes away.</summary>
    void AssignmentDone(PendingAssignment entry);

    /// <summary>Try again at <paramref name="nextAttempt"/> (the lease ends; the attempt is counted).</summary>
    void AssignmentRetry(PendingAssignment entry, Instant nextAttempt, string reason);

    /// <summary>Given up: the entry stays, marked failed with the reason (no mail text, no credentials), and is never leased again.</summary>
    void AssignmentFailed(PendingAssignment entry, string reason);
}
