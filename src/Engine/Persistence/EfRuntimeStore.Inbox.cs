using System.Collections.Concurrent;
using System.Data.Common;
using System.Globalization;
using System.Text;
using EGov.Workflows.Persistence.Data;
using EGov.Workflows.Persistence.Data.Sql;
using EGov.Workflows.Runtime.State;
using EGov.Workflows.Runtime.Store;

namespace EGov.Workflows.Persistence;

// The Postkorb's queries, answered from the task index (task_inbox: one row per open task and principal, written with
// the document in the same transaction). A view's page is one range scan per principal on (tenant, principal, due_key);
// a task offered to several of the caller's principals is counted once: only its row with the smallest principal among
// them qualifies. Statement texts depend on the query's shape only (how many principals, which filters), never on its
// values, and are cached, so each shape is prepared once per connection.
public sealed partial class EfRuntimeStore : ITaskInbox
{
    private static readonly ConcurrentDictionary<string, SqlText> InboxTexts = new(StringComparer.Ordinal);

    public InboxPage QueryInbox(string tenantId, InboxQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (query.Principals.Count == 0) return new InboxPage([], 0);
        var sqlite = Options.Provider == StoreProvider.Sqlite;

        var page = new InboxSqlBuilder(sqlite);
        var where = page.Where(tenantId, query);
        var sql = $"""
            SELECT x.instance_id, t.root_instance_id, x.process_id, x.process_version, x.business_key, t.payload
            FROM task_inbox x JOIN user_tasks t ON t.tenant_id = x.tenant_id AND t.instance_id = x.instance_id AND t.task_id = x.task_id
            WHERE {where}
            ORDER BY {OrderBy(query, sqlite)}
            LIMIT {page.Param(p => p.Int(query.Limit))} OFFSET {page.Param(p => p.Int(query.Offset))}
            """;
        var rows = _reader.Query(Text(sql), page.Bind, r => new InboxRow(tenantId, r.GetString(0), r.GetString(1), r.GetString(2),
            r.GetInt32(3), r.IsDBNull(4) ? null : r.GetString(4), RuntimeJson.Deserialize<UserTaskState>(r.GetString(5))));
        long total;
        if (query.Offset == 0 && rows.Count < query.Limit) total = rows.Count; // the whole result is on the page
        else total = CountInbox(tenantId, [query])[0];
        return new InboxPage(rows, total);
    }

    public IReadOnlyList<long> CountInbox(string tenantId, IReadOnlyList<InboxQuery> queries)
    {
        ArgumentNullException.ThrowIfNull(queries);
        var answerable = queries.Where(q => q.Principals.Count > 0).ToList();
        if (answerable.Count == 0) return queries.Select(_ => 0L).ToList();
        // One statement, one round trip: a scalar subquery per query.
        var b = new InboxSqlBuilder(Options.Provider == StoreProvider.Sqlite);
        var selects = answerable.Select(q => $"(SELECT COUNT(*) FROM task_inbox x WHERE {b.Where(tenantId, q)})").ToList();
        var sql = "SELECT " + string.Join(", ", selects);
        var counts = _reader.Query(Text(sql), b.Bind, r => Enumerable.Range(0, answerable.Count).Select(i => Convert.ToInt64(r.GetValue(i), CultureInfo.InvariantCulture)).ToList())[0];
        var k = 0;
        return queries.Select(q => q.Principals.Count > 0 ? counts[k++] : 0L).ToList();
    }

    private static SqlText Text(string sql) => InboxTexts.GetOrAdd(sql, s => new SqlText(s));

    private static string OrderBy(InboxQuery q, bool sqlite)
    {
        var dir = q.Descending ? " DESC" : "";
        var collate = sqlite ? "" : " COLLATE \"C\"";
        var first = q.Sort switch
        {
            InboxSort.Priority => "x.priority",
            InboxSort.Created => null,
            InboxSort.Name => $"COALESCE(x.name, ''){collate}",
            InboxSort.BusinessKey => $"COALESCE(x.business_key, ''){collate}",
            _ => "x.due_key",
        };
        var ties = $"x.created_at{dir}, x.task_order{dir}, x.task_id{collate}{dir}";
        return first is null ? ties : $"{first}{dir}, {ties}";
    }

    /// <summary>
    /// After upgrading a database that already had open tasks to the Postkorb schema (0007): writes their inbox rows,
    /// once, from the user task rows (the documents' own copies).
    /// </summary>
    private void RebuildTaskInbox()
    {
        using var conn = Schema.SchemaMigrator.Open(Options);
        using var tx = conn.BeginTransaction();
        var rows = new List<(string Tenant, string Instance, string ProcessId, int Version, string? BusinessKey, UserTaskState Task)>();
        using (var q = conn.CreateCommand())
        {
            q.Transaction = tx;
            q.CommandText = """
                SELECT t.tenant_id, t.instance_id, i.process_id, i.definition_version, i.business_key, t.payload
                FROM user_tasks t JOIN instances i ON i.tenant_id = t.tenant_id AND i.id = t.instance_id
                """;
            using var r = q.ExecuteReader();
            while (r.Read())
                rows.Add((r.GetString(0), r.GetString(1), r.GetString(2), Convert.ToInt32(r.GetValue(3), CultureInfo.InvariantCulture),
                    r.IsDBNull(4) ? null : r.GetString(4), RuntimeJson.Deserialize<UserTaskState>(r.GetString(5))));
        }
        foreach (var (tenant, instance, processId, version, businessKey, task) in rows)
            foreach (var principal in InboxPrincipal.Of(task))
            {
                using var ins = conn.CreateCommand();
                ins.Transaction = tx;
                ins.CommandText = Options.Provider == StoreProvider.Sqlite ? CommitSql.InsertTaskInbox.Sqlite : CommitSql.InsertTaskInbox.Postgres;
                object?[] values =
                [
                    tenant, principal, instance, task.Id, task.DueDate is { } due ? Ticks.Of(due) : InboxMatching.NoDue,
                    Ticks.Of(task.FollowUpDate), task.Priority, Ticks.Of(task.CreatedAt), task.Order, task.Assignee, processId, version,
                    task.ProcessName, businessKey, task.Name,
                ];
                for (var k = 0; k < values.Length; k++)
                {
                    var p = ins.CreateParameter();
                    if (Options.Provider == StoreProvider.Sqlite) p.ParameterName = "@p" + k.ToString(CultureInfo.InvariantCulture);
                    p.Value = values[k] ?? DBNull.Value;
                    if (values[k] is null) p.DbType = k == 5 ? System.Data.DbType.Int64 : System.Data.DbType.String;
                    ins.Parameters.Add(p);
                }
                ins.ExecuteNonQuery();
            }
        tx.Commit();
    }

    /// <summary>Builds the WHERE of an inbox query with numbered parameters, and binds them in the same order.</summary>
    private sealed class InboxSqlBuilder(bool sqlite)
    {
        private readonly List<Action<ISqlParams>> _binds = [];

        public string Param(Action<ISqlParams> bind)
        {
            _binds.Add(bind);
            return "@p" + (_binds.Count - 1).ToString(CultureInfo.InvariantCulture);
        }

        public void Bind(ISqlParams p)
        {
            foreach (var b in _binds) b(p);
        }

        public string Where(string tenantId, InboxQuery q)
        {
            var w = new StringBuilder();
            w.Append("x.tenant_id = ").Append(Param(p => p.Text(tenantId)));
            var principals = string.Join(", ", q.Principals.Distinct(StringComparer.Ordinal).Select(pr => Param(p => p.Text(pr))).ToList());
            var single = q.Principals.Distinct(StringComparer.Ordinal).Count() == 1;
            w.Append(single ? $" AND x.principal = {principals}" : $" AND x.principal IN ({principals})");
            if (q.Unassigned) w.Append(" AND x.assignee IS NULL");
            if (q.DueBefore is { } d) w.Append(" AND x.due_key < ").Append(Param(p => p.Long(Ticks.Of(d))));
            if (q.FollowUpUntil is { } f) w.Append(" AND x.follow_up_at <= ").Append(Param(p => p.Long(Ticks.Of(f))));
            if (q.Assignee is { } a) w.Append(" AND x.assignee = ").Append(Param(p => p.Text(a)));
            if (q.ProcessId is { } pid) w.Append(" AND x.process_id = ").Append(Param(p => p.Text(pid)));
            if (q.RootInstanceId is { } root)
                w.Append(" AND EXISTS (SELECT 1 FROM user_tasks u WHERE u.tenant_id = x.tenant_id AND u.instance_id = x.instance_id AND u.task_id = x.task_id AND u.root_instance_id = ")
                    .Append(Param(p => p.Text(root))).Append(')');
            if (q.CandidateGroup is { } g)
                w.Append(" AND EXISTS (SELECT 1 FROM task_inbox c WHERE c.tenant_id = x.tenant_id AND c.instance_id = x.instance_id AND c.task_id = x.task_id AND c.principal = ")
                    .Append(Param(p => p.Text(InboxPrincipal.Group(g)))).Append(')');
            if (q.Text is { Length: > 0 } text)
            {
                var pattern = "%" + text.ToLowerInvariant().Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal)
                    .Replace("_", "\\_", StringComparison.Ordinal) + "%";
                var like = Param(p => p.Text(pattern));
                w.Append($" AND (LOWER(COALESCE(x.business_key, '')) LIKE {like} ESCAPE '\\' OR LOWER(COALESCE(x.process_name, '')) LIKE {like} ESCAPE '\\' OR LOWER(x.process_id) LIKE {like} ESCAPE '\\')");
            }
            // SQLite 3.5x would take the primary key's (tenant, principal < ?) range for y — a scan per row; the task's
            // own index makes it a lookup.
            if (!single)
                w.Append($" AND NOT EXISTS (SELECT 1 FROM task_inbox y{(sqlite ? " INDEXED BY ix_task_inbox_task" : "")} WHERE y.tenant_id = x.tenant_id AND y.instance_id = x.instance_id AND y.task_id = x.task_id AND y.principal IN ({principals}) AND y.principal{(sqlite ? "" : " COLLATE \"C\"")} < x.principal{(sqlite ? "" : " COLLATE \"C\"")})");
            return w.ToString();
        }
    }
}
