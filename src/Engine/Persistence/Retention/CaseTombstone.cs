using NodaTime;

namespace EGov.Workflows.Persistence.Retention;

/// <summary>
/// What is left of a case after its personal data were deleted (DSGVO Art. 17, after the retention period): enough to say
/// that there was a case, under which Aktenzeichen, of which process, when it ran, when and why it was deleted, by which
/// rule and by whom — and nothing personal.
/// </summary>
/// <param name="Deleted">How many rows of each kind were deleted (e.g. <c>history_variables: 14</c>).</param>
public sealed record CaseTombstone(
    string TenantId, string RootInstanceId, string ProcessId, int ProcessVersion, string? Aktenzeichen,
    Instant StartedAt, Instant EndedAt, Instant DeletedAt, string Reason, string Rule, string DeletedBy,
    string? Aussonderung, string? Archivkennung, IReadOnlyDictionary<string, int> Deleted);

/// <summary>Why a case is deleted, as the tombstone will say it.</summary>
/// <param name="Reason">In words, e.g. <c>Aufbewahrungsfrist P6Y seit Vorgangsende am 2026-12-03 abgelaufen</c>.</param>
/// <param name="Rule">The rule, e.g. <c>service.yaml anwohnerparkausweis: aufbewahrungsfrist P6Y</c>.</param>
/// <param name="DeletedBy">Who or what: a user id, or <c>dsgvo-loeschlauf</c> for the scheduled run.</param>
/// <param name="Aktenzeichen">The case's Aktenzeichen (kept), when known; else the citizen case's or the business key.</param>
/// <param name="Aussonderung">The Aussonderung's outcome (<c>archiviert</c>, <c>kassiert</c>), when there was one.</param>
public sealed record CaseDeletion(string Reason, string Rule, string DeletedBy, string? Aktenzeichen = null, string? Aussonderung = null, string? Archivkennung = null);

/// <summary>The outcome of one deletion.</summary>
/// <param name="AlreadyDeleted">The case had been deleted before: the tombstone is the earlier one and nothing changed.</param>
/// <param name="UnusedAttachmentHashes">Attachment contents no other case of the tenant refers to any more (their blobs are deleted; files in an attachment folder are the caller's to delete).</param>
public sealed record CaseDeletionResult(CaseTombstone Tombstone, bool AlreadyDeleted, IReadOnlyList<string> UnusedAttachmentHashes);

/// <summary>
/// A case that cannot be deleted (unknown, not a root instance, or not ended); nothing was changed. <see cref="Reason"/> says which,
/// for callers that answer in their own words (the API and the CLI in German); the message (English) is for the log.
/// </summary>
public sealed class CaseDeletionRefusedException(string message, CaseDeletionRefusal reason = CaseDeletionRefusal.Other) : Exception(message)
{
    public CaseDeletionRefusal Reason { get; } = reason;
}

/// <summary>Why a case was not deleted.</summary>
public enum CaseDeletionRefusal
{
    /// <summary>Only the message says why.</summary>
    Other = 0,
    /// <summary>No such case in the tenant.</summary>
    NotFound,
    /// <summary>The instance was called by another one: its case is deleted through its root instance.</summary>
    CalledInstance,
    /// <summary>The case (or an instance it called) is still running.</summary>
    NotEnded,
}

/// <summary>
/// A retention rule of a process: its service's Aufbewahrungsfrist (<c>aufbewahrungsfrist</c> in service.yaml), counted
/// from the day the case ended.
/// </summary>
/// <param name="Rule">How the tombstone names the rule, e.g. <c>service.yaml anwohnerparkausweis: aufbewahrungsfrist P6Y</c>.</param>
public sealed record CaseRetentionRule(string ProcessId, Period Aufbewahrungsfrist, string Rule);
