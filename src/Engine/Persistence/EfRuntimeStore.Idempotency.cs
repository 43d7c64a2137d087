using System.Data.Common;
using EGov.Workflows.Persistence.Data;
using Microsoft.Data.Sqlite;
using NodaTime;

namespace EGov.Workflows.Persistence;

/// <summary>
/// The first answer to a request sent with an <c>Idempotency-Key</c>: what it was (operation and a hash of its body), what
/// it created, and the answer itself, so a repeat gets the same answer and a different request under the same key is told apart.
/// </summary>
public sealed record IdempotencyRecord(string Key, string Operation, string RequestHash, string? ResourceId, int? StatusCode, string? Response, Instant CreatedAt);

// Idempotency records (table idempotency_keys, migration 0004).
public sealed partial class EfRuntimeStore
{
    /// <summary>The record of <paramref name="key"/> in the tenant, or null.</summary>
    public IdempotencyRecord? FindIdempotencyRecord(string tenantId, string key)
    {
        using var conn = OpenConnection();
        using var cmd = conn.CreateCommand();
        cmd.CommandText = "SELECT operation, request_hash, resource_id, status_code, response, created_at FROM idempotency_keys WHERE tenant_id = @t AND idempotency_key = @k";
        Add(cmd, "@t", tenantId);
        Add(cmd, "@k", key);
        using var r = cmd.ExecuteReader();
        if (!r.Read()) return null;
        return new IdempotencyRecord(key, r.GetString(0), r.GetString(1), r.IsDBNull(2) ? null : r.GetString(2),
            r.IsDBNull(3) ? null : Convert.ToInt32(r.GetValue(3), System.Globalization.CultureInfo.InvariantCulture),
            r.IsDBNull(4) ? null : r.GetString(4), Ticks.At(r.GetInt64(5)));
    }

    /// <summary>Keeps the first record of a key (a second save of the same key changes nothing). Returns whether this one was kept.</summary>
    public bool SaveIdempotencyRecord(string tenantId, IdempotencyRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        CheckFile();
        using var conn = OpenConnection();
        using var cmd = conn.CreateCommand();
        cmd.CommandText = """
            INSERT INTO idempotency_keys (tenant_id, idempotency_key, operation, request_hash, resource_id, status_code, response, created_at)
            VALUES (@t, @k, @o, @h, @r, @s, @b, @c) ON CONFLICT (tenant_id, idempotency_key) DO NOTHING
            """;
        Add(cmd, "@t", tenantId);
        Add(cmd, "@k", record.Key);
        Add(cmd, "@o", record.Operation);
        Add(cmd, "@h", record.RequestHash);
        Add(cmd, "@r", (object?)record.ResourceId ?? DBNull.Value);
        Add(cmd, "@s", record.StatusCode is { } s ? s : DBNull.Value);
        Add(cmd, "@b", (object?)record.Response ?? DBNull.Value);
        Add(cmd, "@c", Ticks.Of(record.CreatedAt));
        return cmd.ExecuteNonQuery() == 1;
    }

    /// <summary>Deletes the idempotency records created before <paramref name="before"/> (retention); returns how many.</summary>
    public int DeleteIdempotencyRecordsBefore(Instant before)
    {
        CheckFile();
        using var conn = OpenConnection();
        using var cmd = conn.CreateCommand();
        cmd.CommandText = "DELETE FROM idempotency_keys WHERE created_at < @c";
        Add(cmd, "@c", Ticks.Of(before));
        return cmd.ExecuteNonQuery();
    }

    private DbConnection OpenConnection()
    {
        if (_db.DataSource is { } pg) return pg.OpenConnection();
        var c = new SqliteConnection(Options.ConnectionString);
        c.Open();
        using var pragma = c.CreateCommand();
        pragma.CommandText = SqlitePragmasText;
        pragma.ExecuteNonQuery();
        return c;
    }

    private string SqlitePragmasText => Data.Sqlite.SqlitePragmas.For(Options);
}
