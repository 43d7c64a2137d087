using System.Data.Common;
using System.Globalization;
using EGov.Workflows.Persistence.Data;
using EGov.Workflows.Persistence.Data.Sqlite;
using Microsoft.Data.Sqlite;
using NodaTime;
using Npgsql;

namespace EGov.Workflows.Persistence.Postkorb;

/// <summary>
/// The Postkorb's data in the engine's database (tables of Schema/*/0007_postkorb.sql): plain parameterized SQL on a
/// connection per call (pooled). Each write is one statement or one transaction.
/// </summary>
public sealed class SqlPostkorbStore(DurableStoreOptions options) : IPostkorbStore
{
    private readonly bool _sqlite = options.Provider == StoreProvider.Sqlite;

    private DbConnection Open() => SqlitePragmas.Open(options);

    private static DbCommand Command(DbConnection c, string sql, params object?[] values) =>
        PositionalCommand.Create(c, sql, System.Data.DbType.String, values);

    private int Execute(string sql, params object?[] values)
    {
        using var c = Open();
        using var cmd = Command(c, sql, values);
        return cmd.ExecuteNonQuery();
    }

    private List<T> Query<T>(string sql, Func<DbDataReader, T> read, params object?[] values)
    {
        using var c = Open();
        using var cmd = Command(c, sql, values);
        using var r = cmd.ExecuteReader();
        var list = new List<T>();
        while (r.Read()) list.Add(read(r));
        return list;
    }

    private static string? Text(DbDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);
    private static long Long(DbDataReader r, int i) => Convert.ToInt64(r.GetValue(i), CultureInfo.InvariantCulture);

    // ---------- absences ----------

    private const string AbsenceColumns = "id, user_id, deputy, from_at, to_at, created_by, created_at";

    private static Absence ReadAbsence(DbDataReader r) =>
        new(r.GetString(0), r.GetString(1), r.GetString(2), Ticks.At(Long(r, 3)), Ticks.At(Long(r, 4)), r.GetString(5), Ticks.At(Long(r, 6)));

    public void AddAbsence(string tenantId, Absence a) =>
        Execute("INSERT INTO absences (tenant_id, id, user_id, deputy, from_at, to_at, created_by, created_at) VALUES (@p0, @p1, @p2, @p3, @p4, @p5, @p6, @p7)",
            tenantId, a.Id, a.UserId, a.Deputy, Ticks.Of(a.From), Ticks.Of(a.To), a.CreatedBy, Ticks.Of(a.CreatedAt));

    public Absence? FindAbsence(string tenantId, string id) =>
        Query($"SELECT {AbsenceColumns} FROM absences WHERE tenant_id = @p0 AND id = @p1", ReadAbsence, tenantId, id).FirstOrDefault();

    public bool DeleteAbsence(string tenantId, string id) => Execute("DELETE FROM absences WHERE tenant_id = @p0 AND id = @p1", tenantId, id) > 0;

    public IReadOnlyList<Absence> Absences(string tenantId, string? userId, string? deputy, Instant notEndedBefore)
    {
        var sql = $"SELECT {AbsenceColumns} FROM absences WHERE tenant_id = @p0 AND to_at > @p1";
        var values = new List<object?> { tenantId, Ticks.Of(notEndedBefore) };
        if (userId is not null) { sql += $" AND user_id = @p{values.Count}"; values.Add(userId); }
        if (deputy is not null) { sql += $" AND deputy = @p{values.Count}"; values.Add(deputy); }
        return Query(sql + " ORDER BY from_at, id", ReadAbsence, [.. values]);
    }

    public IReadOnlyList<string> AbsentUsersFor(string tenantId, string deputy, Instant at) =>
        Query("SELECT DISTINCT user_id FROM absences WHERE tenant_id = @p0 AND deputy = @p1 AND to_at > @p2 AND from_at <= @p2",
            r => r.GetString(0), tenantId, deputy, Ticks.Of(at));

    // ---------- filters ----------

    private const string FilterColumns = "id, owner, name, query, columns, shared_with_group, created_at";

    private static SavedFilter ReadFilter(DbDataReader r) =>
        new(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), Text(r, 5), Ticks.At(Long(r, 6)));

    public void AddFilter(string tenantId, SavedFilter f) =>
        Execute("INSERT INTO task_filters (tenant_id, id, owner, name, query, columns, shared_with_group, created_at) VALUES (@p0, @p1, @p2, @p3, @p4, @p5, @p6, @p7)",
            tenantId, f.Id, f.Owner, f.Name, f.QueryJson, f.ColumnsJson, f.SharedWithGroup, Ticks.Of(f.CreatedAt));

    public SavedFilter? FindFilter(string tenantId, string id) =>
        Query($"SELECT {FilterColumns} FROM task_filters WHERE tenant_id = @p0 AND id = @p1", ReadFilter, tenantId, id).FirstOrDefault();

    public bool DeleteFilter(string tenantId, string id) => Execute("DELETE FROM task_filters WHERE tenant_id = @p0 AND id = @p1", tenantId, id) > 0;

    public IReadOnlyList<SavedFilter> Filters(string tenantId, string owner, IReadOnlyCollection<string> groups)
    {
        var values = new List<object?> { tenantId, owner };
        var inGroups = string.Join(", ", groups.Select(g => { values.Add(g); return $"@p{values.Count - 1}"; }));
        var sql = $"SELECT {FilterColumns} FROM task_filters WHERE tenant_id = @p0 AND (owner = @p1"
                  + (groups.Count > 0 ? $" OR shared_with_group IN ({inGroups})" : "") + ") ORDER BY created_at, id";
        return Query(sql, ReadFilter, [.. values]);
    }

    // ---------- case file ----------

    public void AddComment(string tenantId, CaseComment c) =>
        Execute("INSERT INTO case_comments (tenant_id, id, root_instance_id, user_id, on_behalf_of, text, created_at) VALUES (@p0, @p1, @p2, @p3, @p4, @p5, @p6)",
            tenantId, c.Id, c.RootInstanceId, c.UserId, c.OnBehalfOf, c.Text, Ticks.Of(c.At));

    public IReadOnlyList<CaseComment> Comments(string tenantId, string rootInstanceId) =>
        Query("SELECT id, root_instance_id, user_id, on_behalf_of, text, created_at FROM case_comments WHERE tenant_id = @p0 AND root_instance_id = @p1 ORDER BY seq",
            r => new CaseComment(r.GetString(0), r.GetString(1), r.GetString(2), Text(r, 3), r.GetString(4), Ticks.At(Long(r, 5))), tenantId, rootInstanceId);

    public void AddAttachment(string tenantId, CaseAttachment a, byte[]? content)
    {
        using var c = Open();
        using var tx = c.BeginTransaction();
        if (content is not null)
        {
            var insert = _sqlite
                ? "INSERT OR IGNORE INTO attachment_blobs (tenant_id, hash, size, content) VALUES (@p0, @p1, @p2, @p3)"
                : "INSERT INTO attachment_blobs (tenant_id, hash, size, content) VALUES (@p0, @p1, @p2, @p3) ON CONFLICT (tenant_id, hash) DO NOTHING";
            using var blob = Command(c, insert, tenantId, a.Hash, (long)content.Length, content);
            blob.Transaction = tx;
            blob.ExecuteNonQuery();
        }
        using var row = Command(c, "INSERT INTO case_attachments (tenant_id, root_instance_id, hash, name, content_type, size, user_id, created_at) VALUES (@p0, @p1, @p2, @p3, @p4, @p5, @p6, @p7)",
            tenantId, a.RootInstanceId, a.Hash, a.Name, a.ContentType, a.Size, a.UserId, Ticks.Of(a.At));
        row.Transaction = tx;
        row.ExecuteNonQuery();
        tx.Commit();
    }

    public IReadOnlyList<CaseAttachment> Attachments(string tenantId, string rootInstanceId) =>
        Query("SELECT root_instance_id, hash, name, content_type, size, user_id, created_at FROM case_attachments WHERE tenant_id = @p0 AND root_instance_id = @p1 ORDER BY seq",
            r => new CaseAttachment(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), Long(r, 4), r.GetString(5), Ticks.At(Long(r, 6))),
            tenantId, rootInstanceId);

    public byte[]? AttachmentContent(string tenantId, string hash) =>
        Query("SELECT content FROM attachment_blobs WHERE tenant_id = @p0 AND hash = @p1", r => (byte[])r.GetValue(0), tenantId, hash).FirstOrDefault();
}
