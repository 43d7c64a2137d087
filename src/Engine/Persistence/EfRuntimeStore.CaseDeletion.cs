using System.Data.Common;
using System.Text.Json;
using EGov.Workflows.Persistence.Data;
using EGov.Workflows.Persistence.Retention;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using NodaTime;

namespace EGov.Workflows.Persistence;

// DSGVO deletion of one case after its retention period (issue 12): every row that holds the case's personal data goes —
// the documents of its instance tree (variables), its history (element instances, variable values, task, incident,
// decision and pack rows), its index rows, its case file (comments, attachments and the attachment contents no other
// case refers to), the citizen's link to it, its access code, its Rückfragen and its pending assignment mails — and a
// tombstone (case_tombstones) is written, all in one transaction. Deleting a case twice finds the tombstone and changes
// nothing.
public sealed partial class EfRuntimeStore
{
    /// <summary>
    /// Deletes the personal data of the ended case <paramref name="rootInstanceId"/> and leaves its tombstone, in one
    /// transaction. A case deleted before answers its earlier tombstone (<see cref="CaseDeletionResult.AlreadyDeleted"/>).
    /// Throws <see cref="CaseDeletionRefusedException"/> (nothing changed) for an unknown case, a called instance, or a
    /// case of which an instance still runs.
    /// </summary>
    public CaseDeletionResult DeleteCase(string tenantId, string rootInstanceId, CaseDeletion why, Instant now)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenantId);
        ArgumentException.ThrowIfNullOrEmpty(rootInstanceId);
        ArgumentNullException.ThrowIfNull(why);
        using var db = _db.Create();
        using var tx = db.Database.BeginTransaction();
        var conn = db.Database.GetDbConnection();
        var dbTx = tx.GetDbTransaction();
        if (ReadTombstones(conn, dbTx, "WHERE tenant_id = @t AND root_instance_id = @r", ("t", tenantId), ("r", rootInstanceId)).FirstOrDefault() is { } earlier)
            return new CaseDeletionResult(earlier, true, []);

        var tree = db.Instances.Where(i => i.TenantId == tenantId && i.RootInstanceId == rootInstanceId)
            .Select(i => new { i.Id, i.ProcessId, i.DefinitionVersion, i.BusinessKey, i.StartedAt, i.EndedAt }).ToList();
        var root = tree.FirstOrDefault(i => i.Id == rootInstanceId);
        if (root is null)
            throw db.Instances.Any(i => i.TenantId == tenantId && i.Id == rootInstanceId)
                ? new CaseDeletionRefusedException($"'{rootInstanceId}' is a called instance; its case is deleted through its root instance", CaseDeletionRefusal.CalledInstance)
                : new CaseDeletionRefusedException($"no case '{rootInstanceId}' in tenant '{tenantId}'", CaseDeletionRefusal.NotFound);
        if (root.EndedAt is null || tree.Any(i => i.EndedAt is null))
            throw new CaseDeletionRefusedException($"the case '{rootInstanceId}' has not ended; a running case is not deleted", CaseDeletionRefusal.NotEnded);
        var ids = tree.Select(i => i.Id).ToList();

        var counts = new SortedDictionary<string, int>(StringComparer.Ordinal);
        void Count(string table, int n) { if (n > 0) counts[table] = counts.GetValueOrDefault(table) + n; }
        Count("history_element_instances", db.History.Where(h => h.TenantId == tenantId && h.RootInstanceId == rootInstanceId).ExecuteDelete());
        Count("history_variables", db.HistoryVariables.Where(h => h.TenantId == tenantId && h.RootInstanceId == rootInstanceId).ExecuteDelete());
        Count("history_tasks", db.HistoryTasks.Where(h => h.TenantId == tenantId && h.RootInstanceId == rootInstanceId).ExecuteDelete());
        Count("history_incidents", db.HistoryIncidents.Where(h => h.TenantId == tenantId && h.RootInstanceId == rootInstanceId).ExecuteDelete());
        Count("history_activity_packs", db.HistoryActivityPacks.Where(h => h.TenantId == tenantId && h.RootInstanceId == rootInstanceId).ExecuteDelete());
        Count("history_decisions", db.HistoryDecisions.Where(h => h.TenantId == tenantId && h.RootInstanceId == rootInstanceId).ExecuteDelete());
        Count("subscriptions", db.Subscriptions.Where(r => r.TenantId == tenantId && ids.Contains(r.InstanceId)).ExecuteDelete());
        Count("jobs", db.Jobs.Where(r => r.TenantId == tenantId && ids.Contains(r.InstanceId)).ExecuteDelete());
        Count("user_tasks", db.UserTasks.Where(r => r.TenantId == tenantId && ids.Contains(r.InstanceId)).ExecuteDelete());
        Count("external_tasks", db.ExternalTasks.Where(r => r.TenantId == tenantId && ids.Contains(r.InstanceId)).ExecuteDelete());
        Count("incidents", db.Incidents.Where(r => r.TenantId == tenantId && ids.Contains(r.InstanceId)).ExecuteDelete());

        // The case file and the citizen's side (tables of the host's stores, written by SQL of their own).
        var aktenzeichen = why.Aktenzeichen
            ?? Scalar(conn, dbTx, "SELECT aktenzeichen FROM citizen_cases WHERE tenant_id = @t AND instance_id = @r", ("t", tenantId), ("r", rootInstanceId))
            ?? root.BusinessKey;
        var hashes = Strings(conn, dbTx, "SELECT DISTINCT hash FROM case_attachments WHERE tenant_id = @t AND root_instance_id = @r", ("t", tenantId), ("r", rootInstanceId));
        Count("case_comments", Exec(conn, dbTx, "DELETE FROM case_comments WHERE tenant_id = @t AND root_instance_id = @r", ("t", tenantId), ("r", rootInstanceId)));
        Count("case_attachments", Exec(conn, dbTx, "DELETE FROM case_attachments WHERE tenant_id = @t AND root_instance_id = @r", ("t", tenantId), ("r", rootInstanceId)));
        var unused = new List<string>();
        foreach (var hash in hashes)
        {
            if (Scalar(conn, dbTx, "SELECT hash FROM case_attachments WHERE tenant_id = @t AND hash = @h LIMIT 1", ("t", tenantId), ("h", hash)) is not null) continue;
            Count("attachment_blobs", Exec(conn, dbTx, "DELETE FROM attachment_blobs WHERE tenant_id = @t AND hash = @h", ("t", tenantId), ("h", hash)));
            unused.Add(hash);
        }
        foreach (var id in ids)
        {
            Count("citizen_cases", Exec(conn, dbTx, "DELETE FROM citizen_cases WHERE tenant_id = @t AND instance_id = @r", ("t", tenantId), ("r", id)));
            Count("citizen_access_codes", Exec(conn, dbTx, "DELETE FROM citizen_access_codes WHERE tenant_id = @t AND instance_id = @r", ("t", tenantId), ("r", id)));
            Count("citizen_inquiries", Exec(conn, dbTx, "DELETE FROM citizen_inquiries WHERE tenant_id = @t AND instance_id = @r", ("t", tenantId), ("r", id)));
            Count("citizen_mail_outbox", Exec(conn, dbTx, "DELETE FROM citizen_mail_outbox WHERE tenant_id = @t AND instance_id = @r", ("t", tenantId), ("r", id)));
            Count("assignment_outbox", Exec(conn, dbTx, "DELETE FROM assignment_outbox WHERE tenant_id = @t AND instance_id = @r", ("t", tenantId), ("r", id)));
            Count("task_inbox", Exec(conn, dbTx, "DELETE FROM task_inbox WHERE tenant_id = @t AND instance_id = @r", ("t", tenantId), ("r", id)));
        }
        Count("instances", db.Instances.Where(i => i.TenantId == tenantId && i.RootInstanceId == rootInstanceId).ExecuteDelete());

        var tombstone = new CaseTombstone(tenantId, rootInstanceId, root.ProcessId, root.DefinitionVersion, aktenzeichen,
            Ticks.At(root.StartedAt), Ticks.At(root.EndedAt.Value), now, why.Reason, why.Rule, why.DeletedBy, why.Aussonderung, why.Archivkennung, counts);
        Exec(conn, dbTx,
            "INSERT INTO case_tombstones (tenant_id, root_instance_id, process_id, process_version, aktenzeichen, started_at, ended_at, deleted_at, reason, rule, deleted_by, aussonderung, archivkennung, deleted) " +
            "VALUES (@t, @r, @p, @v, @az, @s, @e, @d, @reason, @rule, @by, @aus, @ak, @del)",
            ("t", tenantId), ("r", rootInstanceId), ("p", root.ProcessId), ("v", root.DefinitionVersion), ("az", aktenzeichen),
            ("s", root.StartedAt), ("e", root.EndedAt.Value), ("d", Ticks.Of(now)), ("reason", why.Reason), ("rule", why.Rule), ("by", why.DeletedBy),
            ("aus", why.Aussonderung), ("ak", why.Archivkennung), ("del", JsonSerializer.Serialize(counts)));
        tx.Commit();
        return new CaseDeletionResult(tombstone, false, unused);
    }

    /// <summary>The tombstone of a deleted case, or null.</summary>
    public CaseTombstone? Tombstone(string tenantId, string rootInstanceId)
    {
        using var db = _db.Create();
        var conn = db.Database.GetDbConnection();
        conn.Open();
        return ReadTombstones(conn, null, "WHERE tenant_id = @t AND root_instance_id = @r", ("t", tenantId), ("r", rootInstanceId)).FirstOrDefault();
    }

    /// <summary>The tombstones whose root instance id or Aktenzeichen is <paramref name="reference"/> (a case deleted before), at most 10.</summary>
    public IReadOnlyList<CaseTombstone> TombstonesNamed(string tenantId, string reference)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenantId);
        ArgumentException.ThrowIfNullOrEmpty(reference);
        using var db = _db.Create();
        var conn = db.Database.GetDbConnection();
        conn.Open();
        return ReadTombstones(conn, null, "WHERE tenant_id = @t AND (root_instance_id = @r OR aktenzeichen = @r) ORDER BY deleted_at DESC, root_instance_id LIMIT 10", ("t", tenantId), ("r", reference));
    }

    /// <summary>A tenant's tombstones, newest deletion first, one page.</summary>
    public IReadOnlyList<CaseTombstone> Tombstones(string tenantId, int offset, int limit)
    {
        using var db = _db.Create();
        var conn = db.Database.GetDbConnection();
        conn.Open();
        return ReadTombstones(conn, null, $"WHERE tenant_id = @t ORDER BY deleted_at DESC, root_instance_id LIMIT {Math.Clamp(limit, 1, 1000)} OFFSET {Math.Max(0, offset)}", ("t", tenantId));
    }

    /// <summary>How many tombstones a tenant has (the total of <see cref="Tombstones"/>' pages).</summary>
    public int TombstoneCount(string tenantId)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenantId);
        using var db = _db.Create();
        var conn = db.Database.GetDbConnection();
        conn.Open();
        using var cmd = Cmd(conn, null, "SELECT COUNT(*) FROM case_tombstones WHERE tenant_id = @t", [("t", tenantId)]);
        return Convert.ToInt32(cmd.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// The root instances a request names, for a deletion on request: <paramref name="reference"/> is a root instance's id,
    /// a case's business key (the Vorgangsnummer) or the Aktenzeichen the citizen was given; at most <paramref name="max"/>
    /// ids, distinct. An id of a called instance answers its root. Nothing found: empty.
    /// </summary>
    public IReadOnlyList<string> CasesNamed(string tenantId, string reference, int max = 10)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenantId);
        ArgumentException.ThrowIfNullOrEmpty(reference);
        using var db = _db.Create();
        var found = db.Instances.Where(i => i.TenantId == tenantId && (i.Id == reference || (i.BusinessKey == reference && i.Id == i.RootInstanceId)))
            .Select(i => i.RootInstanceId).Distinct().Take(max).ToList();
        var conn = db.Database.GetDbConnection();
        conn.Open();
        using var cmd = Cmd(conn, null, "SELECT instance_id FROM citizen_cases WHERE tenant_id = @t AND aktenzeichen = @az", [("t", tenantId), ("az", reference)]);
        using (var r = cmd.ExecuteReader())
            while (r.Read() && found.Count < max)
                if (!found.Contains(r.GetString(0), StringComparer.Ordinal)) found.Add(r.GetString(0));
        return found;
    }

    /// <summary>
    /// Ended root instances of a process not yet deleted, oldest end first: those that ended before <paramref name="endedBefore"/>,
    /// or (when <paramref name="withVariable"/> is given) any ended one whose history shows that variable.
    /// </summary>
    public IReadOnlyList<(string RootInstanceId, Instant EndedAt)> EndedCases(string tenantId, string processId, Instant endedBefore, string? withVariable, int max)
    {
        using var db = _db.Create();
        var before = Ticks.Of(endedBefore);
        var q = db.Instances.Where(i => i.TenantId == tenantId && i.ProcessId == processId && i.Id == i.RootInstanceId && i.EndedAt != null);
        q = withVariable is null
            ? q.Where(i => i.EndedAt < before)
            : q.Where(i => i.EndedAt < before || db.HistoryVariables.Any(h => h.TenantId == tenantId && h.RootInstanceId == i.Id && h.Name == withVariable));
        return q.OrderBy(i => i.EndedAt).Take(max).Select(i => new { i.Id, i.EndedAt }).ToList()
            .Select(x => (x.Id, Ticks.At(x.EndedAt!.Value))).ToList();
    }

    private static List<CaseTombstone> ReadTombstones(DbConnection conn, DbTransaction? tx, string where, params (string, object?)[] args)
    {
        using var cmd = Cmd(conn, tx,
            "SELECT tenant_id, root_instance_id, process_id, process_version, aktenzeichen, started_at, ended_at, deleted_at, reason, rule, deleted_by, aussonderung, archivkennung, deleted FROM case_tombstones " + where, args);
        using var r = cmd.ExecuteReader();
        var list = new List<CaseTombstone>();
        while (r.Read())
            list.Add(new CaseTombstone(r.GetString(0), r.GetString(1), r.GetString(2), Convert.ToInt32(r.GetValue(3), System.Globalization.CultureInfo.InvariantCulture),
                r.IsDBNull(4) ? null : r.GetString(4), Ticks.At(r.GetInt64(5)), Ticks.At(r.GetInt64(6)), Ticks.At(r.GetInt64(7)),
                r.GetString(8), r.GetString(9), r.GetString(10), r.IsDBNull(11) ? null : r.GetString(11), r.IsDBNull(12) ? null : r.GetString(12),
                JsonSerializer.Deserialize<Dictionary<string, int>>(r.GetString(13)) ?? []));
        return list;
    }

    private static DbCommand Cmd(DbConnection conn, DbTransaction? tx, string sql, (string Name, object? Value)[] args)
    {
        var cmd = conn.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = sql;
        foreach (var (name, value) in args)
        {
            var p = cmd.CreateParameter();
            p.ParameterName = "@" + name;
            p.Value = value ?? DBNull.Value;
            cmd.Parameters.Add(p);
        }
        return cmd;
    }

    private static int Exec(DbConnection conn, DbTransaction tx, string sql, params (string, object?)[] args)
    {
        using var cmd = Cmd(conn, tx, sql, args);
        return cmd.ExecuteNonQuery();
    }

    private static string? Scalar(DbConnection conn, DbTransaction tx, string sql, params (string, object?)[] args)
    {
        using var cmd = Cmd(conn, tx, sql, args);
        return cmd.ExecuteScalar() is string s ? s : null;
    }

    private static List<string> Strings(DbConnection conn, DbTransaction tx, string sql, params (string, object?)[] args)
    {
        using var cmd = Cmd(conn, tx, sql, args);
        using var r = cmd.ExecuteReader();
        var list = new List<string>();
        while (r.Read()) list.Add(r.GetString(0));
        return list;
    }
}
