using System.Data;
using System.Data.Common;

namespace EGov.Workflows.Persistence.Data.Sql;

/// <summary>
/// Stores new versions and their forms with plain multi-row INSERTs inside the caller's transaction. A start that deploys
/// 100 tenants' overlays stores 58,000 version rows (issue 16 item 4, bench W5): through EF Core's change tracker that was a
/// third of the start's CPU and most of its garbage; written here, each statement carries 16 rows and is reused for the next
/// 16. A duplicate version (another node stored the number meanwhile) is the provider's unique violation, as before.
/// </summary>
internal static class DeploymentRowsInsert
{
    private static readonly string[] VersionColumns = ["tenant_id", "process_id", "version", "content_hash", "file", "bpmn_xml",
        "history_ttl_days", "deployed_at", "deployed_by", "change_note", "source_hash", "process_name", "outline", "shared_tenant_id", "shared_version",
        "overlay_json"];

    private static readonly RowsInsert Versions = new("deployments", VersionColumns);

    private static readonly RowsInsert Forms = new("deployment_forms", "tenant_id", "process_id", "version", "form_key", "file", "schema_json");

    /// <summary>A form kept before for the same version and key is replaced (the processes folder deploys an unchanged model's forms again).</summary>
    private const string FormsUpsert = " ON CONFLICT (tenant_id, process_id, version, form_key) DO UPDATE SET file = excluded.file, schema_json = excluded.schema_json";

    public static void Write(DbConnection connection, DbTransaction tx, bool sqlite, IReadOnlyList<DeploymentRow> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        if (connection is Npgsql.NpgsqlConnection postgres)
        {
            Copy(postgres, rows);
            return;
        }
        Run(connection, tx, sqlite, Versions, "", rows, (p, r) =>
        {
            p.Text(r.TenantId).Text(r.ProcessId).Int(r.Version).Text(r.ContentHash).Text(r.File).Text(r.BpmnXml).Int(r.HistoryTtlDays).Long(r.DeployedAt)
                .Text(r.DeployedBy).Text(r.ChangeNote).Text(r.SourceHash).Text(r.ProcessName).Text(r.Outline).Text(r.SharedTenantId).Int(r.SharedVersion)
                .Text(r.OverlayJson);
        });
    }

    /// <summary>
    /// PostgreSQL: the version rows with COPY (binary), in the connection's transaction — one stream instead of a statement
    /// per 16 rows the server parses and plans each time (a first deploy of 58,000 reference rows). A duplicate version is
    /// the same unique violation (when the stream completes).
    /// </summary>
    private static void Copy(Npgsql.NpgsqlConnection connection, IReadOnlyList<DeploymentRow> rows)
    {
        if (rows.Count == 0) return;
        using var copy = connection.BeginBinaryImport($"COPY deployments ({string.Join(", ", VersionColumns)}) FROM STDIN (FORMAT BINARY)");
        void Text(string? value)
        {
            if (value is null) copy.WriteNull();
            else copy.Write(value, NpgsqlTypes.NpgsqlDbType.Text);
        }
        void Int(int? value)
        {
            if (value is { } v) copy.Write(v, NpgsqlTypes.NpgsqlDbType.Integer);
            else copy.WriteNull();
        }
        foreach (var r in rows)
        {
            copy.StartRow();
            Text(r.TenantId); Text(r.ProcessId); Int(r.Version); Text(r.ContentHash); Text(r.File); Text(r.BpmnXml); Int(r.HistoryTtlDays);
            copy.Write(r.DeployedAt, NpgsqlTypes.NpgsqlDbType.Bigint);
            Text(r.DeployedBy); Text(r.ChangeNote); Text(r.SourceHash); Text(r.ProcessName); Text(r.Outline); Text(r.SharedTenantId); Int(r.SharedVersion);
            Text(r.OverlayJson);
        }
        copy.Complete();
    }

    public static void Write(DbConnection connection, DbTransaction tx, bool sqlite, IReadOnlyList<DeploymentFormRow> forms)
    {
        ArgumentNullException.ThrowIfNull(forms);
        // One row per version and key, the last given winning (as the change tracker did): an upsert statement may not
        // touch the same row twice.
        var last = forms.Select((f, i) => (Form: f, At: i)).GroupBy(x => (x.Form.TenantId, x.Form.ProcessId, x.Form.Version, x.Form.FormKey))
            .Select(g => g.Last()).OrderBy(x => x.At).Select(x => x.Form).ToList();
        Run(connection, tx, sqlite, Forms, FormsUpsert, last, (p, f) =>
            p.Text(f.TenantId).Text(f.ProcessId).Int(f.Version).Text(f.FormKey).Text(f.File).Text(f.SchemaJson));
    }

    private static void Run<T>(DbConnection connection, DbTransaction tx, bool sqlite, RowsInsert insert, string suffix, IReadOnlyList<T> rows, Action<Params, T> bind)
    {
        var commands = new Dictionary<int, DbCommand>();
        try
        {
            for (var i = 0; i < rows.Count;)
            {
                var n = RowsInsert.Chunk(rows.Count - i);
                if (!commands.TryGetValue(n, out var cmd))
                {
                    cmd = connection.CreateCommand();
                    cmd.Transaction = tx;
                    cmd.CommandText = insert.For(n).For(sqlite) + suffix;
                    commands[n] = cmd;
                }
                cmd.Parameters.Clear();
                var p = new Params(cmd, sqlite);
                for (var k = 0; k < n; k++) bind(p, rows[i + k]);
                cmd.ExecuteNonQuery();
                i += n;
            }
        }
        finally
        {
            foreach (var c in commands.Values) c.Dispose();
        }
    }

    /// <summary>Binds values in parameter order: named <c>@pN</c> for SQLite, positional (<c>$N</c>) for PostgreSQL; typed, so a null says what it is.</summary>
    private sealed class Params(DbCommand command, bool sqlite)
    {
        public Params Text(string? value) => Add(DbType.String, value);
        public Params Int(int? value) => Add(DbType.Int32, value);
        public Params Long(long value) => Add(DbType.Int64, value);

        private Params Add(DbType type, object? value)
        {
            var p = command.CreateParameter();
            if (sqlite) p.ParameterName = "@p" + command.Parameters.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
            p.DbType = type;
            p.Value = value ?? DBNull.Value;
            command.Parameters.Add(p);
            return this;
        }
    }
}
