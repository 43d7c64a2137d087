using NodaTime;

namespace EGov.Workflows.Persistence.Postkorb;

/// <summary>An absence (Vertretung): <see cref="Deputy"/> sees and works <see cref="UserId"/>'s assigned tasks from <see cref="From"/> until <see cref="To"/>.</summary>
public sealed record Absence(string Id, string UserId, string Deputy, Instant From, Instant To, string CreatedBy, Instant CreatedAt)
{
    public bool IsActiveAt(Instant at) => From <= at && at < To;
}

/// <summary>A saved inbox filter: its owner's, and shared with one group when <see cref="SharedWithGroup"/> is set. Query and columns are JSON.</summary>
public sealed record SavedFilter(string Id, string Owner, string Name, string QueryJson, string ColumnsJson, string? SharedWithGroup, Instant CreatedAt);

/// <summary>A comment in the case file of a root process instance.</summary>
public sealed record CaseComment(string Id, string RootInstanceId, string UserId, string? OnBehalfOf, string Text, Instant At);

/// <summary>An attachment in the case file of a root process instance, addressed by the SHA-256 of its content (hex).</summary>
public sealed record CaseAttachment(string RootInstanceId, string Hash, string Name, string ContentType, long Size, string UserId, Instant At);

/// <summary>
/// What the Postkorb keeps beside the runtime state, per tenant: absences, saved filters and the case files' comments and
/// attachments. Lists come oldest first.
/// </summary>
public interface IPostkorbStore
{
    void AddAbsence(string tenantId, Absence absence);
    Absence? FindAbsence(string tenantId, string id);
    bool DeleteAbsence(string tenantId, string id);
    /// <summary>Absences of a user or of a deputy (either null: not filtered), that have not ended before <paramref name="notEndedBefore"/>.</summary>
    IReadOnlyList<Absence> Absences(string tenantId, string? userId, string? deputy, Instant notEndedBefore);
    /// <summary>The users <paramref name="deputy"/> stands in for at <paramref name="at"/> (the inbox asks this on every request).</summary>
    IReadOnlyList<string> AbsentUsersFor(string tenantId, string deputy, Instant at);

    void AddFilter(string tenantId, SavedFilter filter);
    SavedFilter? FindFilter(string tenantId, string id);
    bool DeleteFilter(string tenantId, string id);
    /// <summary>The owner's filters and those shared with one of the groups.</summary>
    IReadOnlyList<SavedFilter> Filters(string tenantId, string owner, IReadOnlyCollection<string> groups);

    void AddComment(string tenantId, CaseComment comment);
    IReadOnlyList<CaseComment> Comments(string tenantId, string rootInstanceId);

    /// <summary>Records the attachment and, unless <paramref name="content"/> is null (kept elsewhere), its content once per hash.</summary>
    void AddAttachment(string tenantId, CaseAttachment attachment, byte[]? content);
    IReadOnlyList<CaseAttachment> Attachments(string tenantId, string rootInstanceId);
    /// <summary>The stored content of a hash, or null when it is not stored here.</summary>
    byte[]? AttachmentContent(string tenantId, string hash);
}
