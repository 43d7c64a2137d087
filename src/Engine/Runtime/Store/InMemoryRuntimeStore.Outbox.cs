using NodaTime;

namespace EGov.Workflows.Runtime.Store;

// The assignment outbox of the in-memory store: kept like everything else here, lost at exit. It keeps every assignment
// (the durable stores keep only those of people who asked for e-mail); the sender checks the person's setting anyway.
public sealed partial class InMemoryRuntimeStore : IAssignmentOutbox
{
    private readonly List<OutboxEntry> _outbox = [];

    /// <summary>
    /// Whether commits keep their assignments for a sender (the server turns it on when it runs one). Off by default, so an
    /// engine without a sender (tests, the bench, <c>egov test</c>) does not collect them forever.
    /// </summary>
    public bool KeepsAssignments { get; set; }

    private sealed class OutboxEntry(TaskAssignment assignment)
    {
        public TaskAssignment Assignment { get; } = assignment;
        public int Attempts { get; set; }
        public Instant NextAttempt { get; set; } = assignment.At;
        public string? LeaseOwner { get; set; }
        public Instant LeaseUntil { get; set; }
        public bool Failed { get; set; }
        public string? Reason { get; set; }
    }

    public IReadOnlyList<PendingAssignment> LeaseAssignments(string owner, Instant now, Duration lease, int max)
    {
        ArgumentException.ThrowIfNullOrEmpty(owner);
        lock (_lock)
        {
            var due = _outbox.Where(e => !e.Failed && e.NextAttempt <= now && (e.LeaseOwner is null || e.LeaseUntil <= now)).Take(max).ToList();
            foreach (var e in due) (e.LeaseOwner, e.LeaseUntil) = (owner, now + lease);
            return due.Select(e => new PendingAssignment(e.Assignment, e.Attempts, owner)).ToList();
        }
    }

    public void AssignmentDone(PendingAssignment entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        lock (_lock) _outbox.RemoveAll(e => Held(e, entry));
    }

    public void AssignmentRetry(PendingAssignment entry, Instant nextAttempt, string reason)
    {
        ArgumentNullException.ThrowIfNull(entry);
        lock (_lock)
            foreach (var e in _outbox.Where(e => Held(e, entry)))
                (e.Attempts, e.NextAttempt, e.LeaseOwner, e.Reason) = (e.Attempts + 1, nextAttempt, null, reason);
    }

    public void AssignmentFailed(PendingAssignment entry, string reason)
    {
        ArgumentNullException.ThrowIfNull(entry);
        lock (_lock)
            foreach (var e in _outbox.Where(e => Held(e, entry)))
                (e.Attempts, e.Failed, e.LeaseOwner, e.Reason) = (e.Attempts + 1, true, null, reason);
    }

    private static bool Held(OutboxEntry e, PendingAssignment p) =>
        ReferenceEquals(e.Assignment, p.Assignment) || (e.Assignment.Id == p.Assignment.Id && e.Assignment.TenantId == p.Assignment.TenantId)
        ? e.LeaseOwner == p.LeaseOwner : false;
}
