using System.Data;
using System.Data.Common;
using System.Globalization;
using System.Text;
using EGov.Workflows.Persistence.Data;
using EGov.Workflows.Persistence.Data.Sqlite;
using EGov.Workflows.Runtime.Store;
using NodaTime;

namespace EGov.Workflows.Persistence.Cockpit;

/// <summary>
/// The cockpit's journal and batches in the engine's database (Schema/*/0022_cockpit.sql): plain parameterized SQL shared
/// by SQLite and PostgreSQL (UPDATE … RETURNING: SQLite 3.35 and later).
/// </summary>
public sealed class SqlCockpitStore(DurableStoreOptions options) : ICockpitStore
{
    private const string BatchColumns = "id, kind, reason, payload, filter, created_by, created_at, status, total, succeeded, failed, skipped, finished_at";

    public void Record(string tenantId, OperatorAction action)
    {
        ArgumentNullException.ThrowIfNull(action);
        using var c = SqlitePragmas.Open(options);
        using var cmd = Command(c, null,
            "INSERT INTO operator_actions (id, tenant_id, root_instance_id, action, reason, detail, user_id, batch_id, at) VALUES (@p0, @p1, @p2, @p3, @p4, @p5, @p6, @p7, @p8)",
            action.Id, tenantId, action.RootInstanceId, action.Action, Text(action.Reason), Text(action.Detail), action.UserId, Text(action.BatchId), Ticks.Of(action.At));
        cmd.ExecuteNonQuery();
    }

    public RowPage<OperatorAction> Actions(string tenantId, string rootInstanceId, int offset, int limit)
    {
        using var c = SqlitePragmas.Open(options);
        var total = Scalar(c, "SELECT COUNT(*) FROM operator_actions WHERE tenant_id = @p0 AND root_instance_id = @p1", tenantId, rootInstanceId);
        if (total <= offset) return new([], total);
        using var cmd = Command(c, null,
            "SELECT id, action, reason, detail, user_id, batch_id, at FROM operator_actions WHERE tenant_id = @p0 AND root_instance_id = @p1 ORDER BY at, id LIMIT @p2 OFFSET @p3",
            tenantId, rootInstanceId, limit, offset);
        using var r = cmd.ExecuteReader();
        var list = new List<OperatorAction>();
        while (r.Read())
            list.Add(new OperatorAction(r.GetString(0), rootInstanceId, r.GetString(1), Str(r, 2), Str(r, 3), r.GetString(4), Str(r, 5), Ticks.At(Long(r, 6))));
        return new(list, total);
    }

    public void CreateBatch(string tenantId, BatchOperation batch, IReadOnlyList<string> instanceIds, IReadOnlyDictionary<string, string>? reasons = null)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(instanceIds);
        using var c = SqlitePragmas.Open(options);
        using var tx = c.BeginTransaction();
        using (var cmd = Command(c, tx,
                   $"INSERT INTO batch_operations ({BatchColumns}, tenant_id, lease_owner, lease_until) VALUES (@p0, @p1, @p2, @p3, @p4, @p5, @p6, @p7, @p8, 0, 0, 0, NULL, @p9, NULL, NULL)",
                   batch.Id, batch.Kind, Text(batch.Reason), batch.Payload, batch.Filter, batch.CreatedBy, Ticks.Of(batch.CreatedAt), BatchStates.Running, instanceIds.Count, tenantId))
            cmd.ExecuteNonQuery();
        // Many rows per statement: a batch over thousands of cases is a few round trips, not thousands.
        const int rows = 200;
        for (var start = 0; start < instanceIds.Count; start += rows)
        {
            var n = Math.Min(rows, instanceIds.Count - start);
            var sql = new StringBuilder("INSERT INTO batch_items (batch_id, position, instance_id, status, reason) VALUES ");
            var values = new List<object?> { batch.Id, BatchStates.Pending };
            for (var k = 0; k < n; k++)
            {
                if (k > 0) sql.Append(", ");
                sql.Append(CultureInfo.InvariantCulture, $"(@p0, @p{values.Count}, @p{values.Count + 1}, @p1, @p{values.Count + 2})");
                values.Add(start + k);
                values.Add(instanceIds[start + k]);
                values.Add(Text(reasons?.GetValueOrDefault(instanceIds[start + k])));
            }
            using var cmd = Command(c, tx, sql.ToString(), [.. values]);
            cmd.ExecuteNonQuery();
        }
        tx.Commit();
    }

    public BatchOperation? FindBatch(string tenantId, string id)
    {
        using var c = SqlitePragmas.Open(options);
        using var cmd = Command(c, null, $"SELECT {BatchColumns} FROM batch_operations WHERE tenant_id = @p0 AND id = @p1", tenantId, id);
        using var r = cmd.ExecuteReader();
        return r.Read() ? ReadBatch(r) : null;
    }

    public RowPage<BatchOperation> Batches(string tenantId, int offset, int limit)
    {
        using var c = SqlitePragmas.Open(options);
        var total = Scalar(c, "SELECT COUNT(*) FROM batch_operations WHERE tenant_id = @p0", tenantId);
        if (total <= offset) return new([], total);
        using var cmd = Command(c, null, $"SELECT {BatchColumns} FROM batch_operations WHERE tenant_id = @p0 ORDER BY created_at DESC, id DESC LIMIT @p1 OFFSET @p2",
            tenantId, limit, offset);
        using var r = cmd.ExecuteReader();
        var list = new List<BatchOperation>();
        while (r.Read()) list.Add(ReadBatch(r));
        return new(list, total);
    }

    public RowPage<BatchItem> Items(string tenantId, string batchId, string? status, int offset, int limit)
    {
        using var c = SqlitePragmas.Open(options);
        if (Scalar(c, "SELECT COUNT(*) FROM batch_operations WHERE tenant_id = @p0 AND id = @p1", tenantId, batchId) == 0) return new([], 0);
        var where = status is null ? "batch_id = @p0" : "batch_id = @p0 AND status = @p1";
        var total = status is null ? Scalar(c, $"SELECT COUNT(*) FROM batch_items WHERE {where}", batchId) : Scalar(c, $"SELECT COUNT(*) FROM batch_items WHERE {where}", batchId, status);
        if (total <= offset) return new([], total);
        where = status is null ? "batch_id = @p0" : "batch_id = @p0 AND status = @p3";
        var args = status is null ? new object?[] { batchId, limit, offset } : [batchId, limit, offset, status];
        using var cmd = Command(c, null, $"SELECT position, instance_id, status, message, finished_at, reason FROM batch_items WHERE {where} ORDER BY position LIMIT @p1 OFFSET @p2", args);
        using var r = cmd.ExecuteReader();
        var list = new List<BatchItem>();
        while (r.Read()) list.Add(ReadItem(r));
        return new(list, total);
    }

    public LeasedBatch? Lease(string owner, Instant now, Instant until)
    {
        const string free = "status = 'running' AND (lease_owner IS NULL OR lease_owner = @p0 OR lease_until < @p2)";
        using var c = SqlitePragmas.Open(options);
        using var cmd = Command(c, null,
            $"UPDATE batch_operations SET lease_owner = @p0, lease_until = @p1 WHERE id = (SELECT id FROM batch_operations WHERE {free} ORDER BY created_at, id LIMIT 1) AND {free} RETURNING tenant_id, id",
            owner, Ticks.Of(until), Ticks.Of(now));
        using var r = cmd.ExecuteReader();
        return r.Read() ? new LeasedBatch(r.GetString(0), r.GetString(1)) : null;
    }

    public IReadOnlyList<BatchItem> Pending(string batchId, int max)
    {
        using var c = SqlitePragmas.Open(options);
        using var cmd = Command(c, null,
            "SELECT position, instance_id, status, message, finished_at, reason FROM batch_items WHERE batch_id = @p0 AND status = 'pending' ORDER BY position LIMIT @p1", batchId, max);
        using var r = cmd.ExecuteReader();
        var list = new List<BatchItem>();
        while (r.Read()) list.Add(ReadItem(r));
        return list;
    }

    public void Finish(string batchId, int position, string status, string? message, Instant at, string owner, Instant leaseUntil)
    {
        var counter = status switch
        {
            BatchStates.Succeeded => "succeeded",
            BatchStates.Failed => "failed",
            BatchStates.Skipped => "skipped",
            _ => throw new ArgumentOutOfRangeException(nameof(status), status, "an item ends succeeded, failed or skipped"),
        };
        using var c = SqlitePragmas.Open(options);
        using var tx = c.BeginTransaction();
        int changed;
        using (var cmd = Command(c, tx,
                   "UPDATE batch_items SET status = @p0, message = @p1, finished_at = @p2 WHERE batch_id = @p3 AND position = @p4 AND status = 'pending'",
                   status, Text(message), Ticks.Of(at), batchId, position))
            changed = cmd.ExecuteNonQuery();
        if (changed == 1)
        {
            using var cmd = Command(c, tx,
                $"UPDATE batch_operations SET {counter} = {counter} + 1, lease_until = CASE WHEN lease_owner = @p1 THEN @p2 ELSE lease_until END WHERE id = @p0",
                batchId, owner, Ticks.Of(leaseUntil));
            cmd.ExecuteNonQuery();
        }
        tx.Commit();
    }

    public void Complete(string batchId, Instant at)
    {
        using var c = SqlitePragmas.Open(options);
        using var cmd = Command(c, null,
            "UPDATE batch_operations SET status = 'completed', finished_at = @p1, lease_owner = NULL, lease_until = NULL WHERE id = @p0 AND status = 'running'",
            batchId, Ticks.Of(at));
        cmd.ExecuteNonQuery();
    }

    public bool Cancel(string tenantId, string batchId, Instant at)
    {
        using var c = SqlitePragmas.Open(options);
        using var cmd = Command(c, null,
            "UPDATE batch_operations SET status = 'cancelled', finished_at = @p2, lease_owner = NULL, lease_until = NULL WHERE tenant_id = @p0 AND id = @p1 AND status = 'running'",
            tenantId, batchId, Ticks.Of(at));
        return cmd.ExecuteNonQuery() == 1;
    }

    private static BatchOperation ReadBatch(DbDataReader r) => new(
        r.GetString(0), r.GetString(1), Str(r, 2), r.GetString(3), r.GetString(4), r.GetString(5), Ticks.At(Long(r, 6)), r.GetString(7),
        (int)Long(r, 8), (int)Long(r, 9), (int)Long(r, 10), (int)Long(r, 11), r.IsDBNull(12) ? null : Ticks.At(Long(r, 12)));

    private static BatchItem ReadItem(DbDataReader r) =>
        new((int)Long(r, 0), r.GetString(1), r.GetString(2), Str(r, 3), r.IsDBNull(4) ? null : Ticks.At(Long(r, 4)), Str(r, 5));

    private static string? Str(DbDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);
    private static long Long(DbDataReader r, int i) => Convert.ToInt64(r.GetValue(i), CultureInfo.InvariantCulture);

    private static long Scalar(DbConnection c, string sql, params object?[] values)
    {
        using var cmd = Command(c, null, sql, values);
        return Convert.ToInt64(cmd.ExecuteScalar(), CultureInfo.InvariantCulture);
    }

    /// <summary>A text that may be null: PostgreSQL needs the type of a null parameter.</summary>
    private static object Text(string? value) => value is null ? new TypedNull(DbType.String) : value;

    private sealed record TypedNull(DbType Type);

    private static DbCommand Command(DbConnection c, DbTransaction? tx, string sql, params object?[] values)
    {
        var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        cmd.Transaction = tx;
        for (var i = 0; i < values.Length; i++)
        {
            var p = cmd.CreateParameter();
            p.ParameterName = "@p" + i.ToString(CultureInfo.InvariantCulture);
            switch (values[i])
            {
                case TypedNull t: p.Value = DBNull.Value; p.DbType = t.Type; break;
                case null: p.Value = DBNull.Value; p.DbType = DbType.Int64; break;
                case int n: p.Value = n; p.DbType = DbType.Int32; break;
                case long n: p.Value = n; p.DbType = DbType.Int64; break;
                default: p.Value = values[i]; break;
            }
            cmd.Parameters.Add(p);
        }
        return cmd;
    }
}
