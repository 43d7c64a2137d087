using NodaTime;

namespace EGov.Workflows.Persistence.Postkorb;

/// <summary>The Postkorb's data in memory (<c>--store memory</c>, tests). Thread-safe.</summary>
public sealed class InMemoryPostkorbStore : IPostkorbStore
{
    private readonly Lock _lock = new();
    private readonly List<(string Tenant, Absence Absence)> _absences = [];
    private readonly List<(string Tenant, SavedFilter Filter)> _filters = [];
    private readonly List<(string Tenant, CaseComment Comment)> _comments = [];
    private readonly List<(string Tenant, CaseAttachment Attachment)> _attachments = [];
    private readonly Dictionary<(string, string), byte[]> _blobs = [];

    public void AddAbsence(string tenantId, Absence absence) { lock (_lock) _absences.Add((tenantId, absence)); }

    public Absence? FindAbsence(string tenantId, string id) { lock (_lock) return _absences.Find(a => a.Tenant == tenantId && a.Absence.Id == id).Absence; }

    public bool DeleteAbsence(string tenantId, string id) { lock (_lock) return _absences.RemoveAll(a => a.Tenant == tenantId && a.Absence.Id == id) > 0; }

    public IReadOnlyList<Absence> Absences(string tenantId, string? userId, string? deputy, Instant notEndedBefore)
    {
        lock (_lock)
            return _absences.Where(a => a.Tenant == tenantId && (userId is null || a.Absence.UserId == userId) && (deputy is null || a.Absence.Deputy == deputy)
                                        && a.Absence.To > notEndedBefore)
                .Select(a => a.Absence).ToList();
    }

    public IReadOnlyList<string> AbsentUsersFor(string tenantId, string deputy, Instant at)
    {
        lock (_lock)
            return _absences.Where(a => a.Tenant == tenantId && a.Absence.Deputy == deputy && a.Absence.IsActiveAt(at))
                .Select(a => a.Absence.UserId).Distinct(StringComparer.Ordinal).ToList();
    }

    public void AddFilter(string tenantId, SavedFilter filter) { lock (_lock) _filters.Add((tenantId, filter)); }

    public SavedFilter? FindFilter(string tenantId, string id) { lock (_lock) return _filters.Find(f => f.Tenant == tenantId && f.Filter.Id == id).Filter; }

    public bool DeleteFilter(string tenantId, string id) { lock (_lock) return _filters.RemoveAll(f => f.Tenant == tenantId && f.Filter.Id == id) > 0; }

    public IReadOnlyList<SavedFilter> Filters(string tenantId, string owner, IReadOnlyCollection<string> groups)
    {
        lock (_lock)
            return _filters.Where(f => f.Tenant == tenantId && (f.Filter.Owner == owner || f.Filter.SharedWithGroup is { } g && groups.Contains(g)))
                .Select(f => f.Filter).ToList();
    }

    public void AddComment(string tenantId, CaseComment comment) { lock (_lock) _comments.Add((tenantId, comment)); }

    public IReadOnlyList<CaseComment> Comments(string tenantId, string rootInstanceId)
    {
        lock (_lock) return _comments.Where(c => c.Tenant == tenantId && c.Comment.RootInstanceId == rootInstanceId).Select(c => c.Comment).ToList();
    }

    public void AddAttachment(string tenantId, CaseAttachment attachment, byte[]? content)
    {
        lock (_lock)
        {
            if (content is not null) _blobs.TryAdd((tenantId, attachment.Hash), content);
            _attachments.Add((tenantId, attachment));
        }
    }

    public IReadOnlyList<CaseAttachment> Attachments(string tenantId, string rootInstanceId)
    {
        lock (_lock) return _attachments.Where(a => a.Tenant == tenantId && a.Attachment.RootInstanceId == rootInstanceId).Select(a => a.Attachment).ToList();
    }

    public byte[]? AttachmentContent(string tenantId, string hash) { lock (_lock) return _blobs.GetValueOrDefault((tenantId, hash)); }
}
