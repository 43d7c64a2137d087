using EGov.Workflows.Runtime.Store;
using NodaTime;

namespace EGov.Workflows.Persistence.Cockpit;

/// <summary>
/// One change an operator made from the cockpit or its API: what (retry, cancel, setVariables, migrate), to which case, by
/// whom (the signed-in caller), when, and the reason they gave. <see cref="Detail"/> names what changed (variable names,
/// the incident, the versions) — never a variable's value.
/// </summary>
public sealed record OperatorAction(string Id, string RootInstanceId, string Action, string? Reason, string? Detail, string UserId, string? BatchId, Instant At);

/// <summary>The kinds of batch operation.</summary>
public static class BatchKinds
{
    public const string Retry = "retry";
    public const string Cancel = "cancel";
    public const string Migrate = "migrate";
    public const string SetVariables = "setVariables";
}

/// <summary>The states of a batch and of its items.</summary>
public static class BatchStates
{
    public const string Running = "running";
    public const string Completed = "completed";
    public const string Cancelled = "cancelled";

    public const string Pending = "pending";
    public const string Succeeded = "succeeded";
    public const string Failed = "failed";
    /// <summary>Nothing to do for this case (no open incident, already ended, already on the target version).</summary>
    public const string Skipped = "skipped";
}

/// <summary>
/// A batch operation on a filtered set of cases, running in the background: <see cref="Payload"/> is what to do (JSON: the
/// variables to set, the migration plan), <see cref="Filter"/> the list filter it was made from (JSON, for the report).
/// </summary>
public sealed record BatchOperation(
    string Id, string Kind, string? Reason, string Payload, string Filter, string CreatedBy, Instant CreatedAt,
    string Status, int Total, int Succeeded, int Failed, int Skipped, Instant? FinishedAt)
{
    public int Done => Succeeded + Failed + Skipped;
}

/// <summary>
/// One case of a batch: pending until the runner did it, then succeeded, failed (with why) or skipped (with why).
/// <see cref="Reason"/> is the case's own reason (migration 0034), null when it takes the batch's.
/// </summary>
public sealed record BatchItem(int Position, string InstanceId, string Status, string? Message, Instant? FinishedAt, string? Reason = null);

/// <summary>A batch a node has leased to run: its tenant and id.</summary>
public sealed record LeasedBatch(string TenantId, string BatchId);

/// <summary>
/// The cockpit's own tables (migration 0022): the operators' journal and the batch operations with one row per case.
/// A batch is leased by one node at a time (like a job); a node that dies leaves a lease that expires, and any node —
/// the restarted one first — takes the batch back and continues with its pending cases.
/// </summary>
public interface ICockpitStore
{
    void Record(string tenantId, OperatorAction action);

    /// <summary>A case's journal, oldest first.</summary>
    RowPage<OperatorAction> Actions(string tenantId, string rootInstanceId, int offset, int limit);

    /// <summary>
    /// Creates the batch and its items (all pending) in one transaction; <paramref name="reasons"/> gives cases their own
    /// reason (by instance id), the others take the batch's.
    /// </summary>
    void CreateBatch(string tenantId, BatchOperation batch, IReadOnlyList<string> instanceIds, IReadOnlyDictionary<string, string>? reasons = null);

    BatchOperation? FindBatch(string tenantId, string id);

    /// <summary>The tenant's batches, newest first.</summary>
    RowPage<BatchOperation> Batches(string tenantId, int offset, int limit);

    /// <summary>A batch's items in order, optionally only those of one status.</summary>
    RowPage<BatchItem> Items(string tenantId, string batchId, string? status, int offset, int limit);

    /// <summary>
    /// Leases a running batch whose lease is free, expired or already this owner's, until <paramref name="until"/>; null when there is none.
    /// </summary>
    LeasedBatch? Lease(string owner, Instant now, Instant until);

    /// <summary>The next pending items of a batch, in order.</summary>
    IReadOnlyList<BatchItem> Pending(string batchId, int max);

    /// <summary>Records an item's outcome and counts it, once (an item done already is not counted again); extends the lease.</summary>
    void Finish(string batchId, int position, string status, string? message, Instant at, string owner, Instant leaseUntil);

    /// <summary>Marks a running batch completed (no pending item left) and frees its lease.</summary>
    void Complete(string batchId, Instant at);

    /// <summary>Stops a running batch: its pending items stay undone; false when it was not running.</summary>
    bool Cancel(string tenantId, string batchId, Instant at);
}
