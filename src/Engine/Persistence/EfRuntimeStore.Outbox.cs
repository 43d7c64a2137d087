using System.Data.Common;
using EGov.Workflows.Persistence.Data;
using EGov.Workflows.Runtime.Store;
using NodaTime;

namespace EGov.Workflows.Persistence;

// The assignment outbox (table assignment_outbox, migration 0016): rows are written by the commits (ChangeSetWriter), leased
// here like jobs — PostgreSQL with FOR UPDATE SKIP LOCKED, SQLite under its single writer — and finished by their lease owner.
public sealed partial class EfRuntimeStore : IAssignmentOutbox
{
    private const string Due = "status = 'pending' AND next_attempt_at <= @now AND (lease_expires_at IS NULL OR lease_expires_at <= @now)";
    private const string Returned = "tenant_id, id, instance_id, task_id, assignee, actor, kind, created_at, attempts";

    public IReadOnlyList<PendingAssignment> LeaseAssignments(string owner, Instant now, Duration lease, int max)
    {
        ArgumentException.ThrowIfNullOrEmpty(owner);
        if (max <= 0) return [];
        CheckFile();
        using var conn = OpenConnection();
        using var cmd = conn.CreateCommand();
        cmd.CommandText = _db.IsSqlite
            ? $"""
              UPDATE assignment_outbox SET lease_owner = @owner, lease_expires_at = @expires
              WHERE rowid IN (SELECT rowid FROM assignment_outbox WHERE {Due} ORDER BY next_attempt_at LIMIT @max)
              RETURNING {Returned};
              """
            : $"""
              WITH due AS (SELECT tenant_id, id FROM assignment_outbox WHERE {Due} ORDER BY next_attempt_at LIMIT @max FOR UPDATE SKIP LOCKED)
              UPDATE assignment_outbox o SET lease_owner = @owner, lease_expires_at = @expires
              FROM due WHERE o.tenant_id = due.tenant_id AND o.id = due.id
              RETURNING {string.Join(", ", Returned.Split(", ").Select(c => "o." + c))};
              """;
        Add(cmd, "@owner", owner);
        Add(cmd, "@now", Ticks.Of(now));
        Add(cmd, "@expires", Ticks.Of(now + lease));
        Add(cmd, "@max", max);
        var list = new List<PendingAssignment>();
        using var r = cmd.ExecuteReader();
        while (r.Read())
        {
            var kind = Enum.TryParse<TaskAssignmentKind>(r.GetString(6), out var k) ? k : TaskAssignmentKind.Assigned;
            var a = new TaskAssignment(r.GetString(1), r.GetString(0), r.GetString(2), r.GetString(3), r.GetString(4),
                r.IsDBNull(5) ? null : r.GetString(5), kind, Ticks.At(r.GetInt64(7)));
            list.Add(new PendingAssignment(a, Convert.ToInt32(r.GetValue(8), System.Globalization.CultureInfo.InvariantCulture), owner));
        }
        return list;
    }

    public void AssignmentDone(PendingAssignment entry) =>
        Finish(entry, "DELETE FROM assignment_outbox", null, null);

    public void AssignmentRetry(PendingAssignment entry, Instant nextAttempt, string reason) =>
        Finish(entry, "UPDATE assignment_outbox SET attempts = attempts + 1, next_attempt_at = @next, lease_owner = NULL, lease_expires_at = NULL, last_error = @reason",
            nextAttempt, reason);

    public void AssignmentFailed(PendingAssignment entry, string reason) =>
        Finish(entry, "UPDATE assignment_outbox SET attempts = attempts + 1, status = 'failed', lease_owner = NULL, lease_expires_at = NULL, last_error = @reason",
            null, reason);

    /// <summary>The outbox rows of a tenant as (task id, assignee, status, attempts, last error), oldest first (tests and operators).</summary>
    public IReadOnlyList<(string TaskId, string Assignee, string Status, int Attempts, string? LastError)> AssignmentOutbox(string tenantId)
    {
        using var conn = OpenConnection();
        using var cmd = conn.CreateCommand();
        cmd.CommandText = "SELECT task_id, assignee, status, attempts, last_error FROM assignment_outbox WHERE tenant_id = @t ORDER BY created_at, id";
        Add(cmd, "@t", tenantId);
        var list = new List<(string, string, string, int, string?)>();
        using var r = cmd.ExecuteReader();
        while (r.Read())
            list.Add((r.GetString(0), r.GetString(1), r.GetString(2), Convert.ToInt32(r.GetValue(3), System.Globalization.CultureInfo.InvariantCulture), r.IsDBNull(4) ? null : r.GetString(4)));
        return list;
    }

    /// <summary>Changes the row only while <paramref name="entry"/>'s owner still holds its lease.</summary>
    private void Finish(PendingAssignment entry, string statement, Instant? next, string? reason)
    {
        ArgumentNullException.ThrowIfNull(entry);
        CheckFile();
        using var conn = OpenConnection();
        using var cmd = conn.CreateCommand();
        cmd.CommandText = $"{statement} WHERE tenant_id = @t AND id = @id AND lease_owner = @owner";
        Add(cmd, "@t", entry.Assignment.TenantId);
        Add(cmd, "@id", entry.Assignment.Id);
        Add(cmd, "@owner", entry.LeaseOwner);
        if (next is { } n) Add(cmd, "@next", Ticks.Of(n));
        if (reason is not null) Add(cmd, "@reason", reason.Length > 500 ? reason[..500] : reason);
        cmd.ExecuteNonQuery();
    }
}
