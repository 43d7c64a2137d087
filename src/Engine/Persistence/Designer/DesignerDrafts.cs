using System.Data.Common;
using System.Globalization;
using EGov.Workflows.Persistence.Data;
using EGov.Workflows.Persistence.Data.Sqlite;
using NodaTime;

namespace EGov.Workflows.Persistence.Designer;

/// <summary>A designer draft: one person's unfinished model of one process, kept on the server so a reload loses nothing.</summary>
/// <param name="BasedOnVersion">The deployed version the draft was opened from (null: an upload or a new process).</param>
/// <param name="Forms">The user-task forms edited with the draft, by file name (<c>antrag.form</c> → its form-js JSON); deployed with it.</param>
/// <param name="Scenarios">Scenarios written or recorded with the draft, by file name (<c>neu.scenario.yaml</c> → its YAML).</param>
public sealed record DesignerDraft(string ProcessId, string Owner, string BpmnXml, int? BasedOnVersion, Instant UpdatedAt,
    IReadOnlyDictionary<string, string>? Forms = null, IReadOnlyDictionary<string, string>? Scenarios = null)
{
    /// <summary>The forms and scenarios as the column <c>files_json</c> keeps them (null when there are none).</summary>
    public string? FilesJson()
    {
        if ((Forms?.Count ?? 0) == 0 && (Scenarios?.Count ?? 0) == 0) return null;
        var o = new System.Text.Json.Nodes.JsonObject
        {
            ["forms"] = Section(Forms),
            ["scenarios"] = Section(Scenarios),
        };
        return o.ToJsonString();
    }

    /// <summary>Reads <see cref="FilesJson"/> back.</summary>
    public static (IReadOnlyDictionary<string, string> Forms, IReadOnlyDictionary<string, string> Scenarios) ReadFiles(string? json)
    {
        if (string.IsNullOrEmpty(json)) return (Empty, Empty);
        var o = System.Text.Json.Nodes.JsonNode.Parse(json) as System.Text.Json.Nodes.JsonObject;
        return (Read(o?["forms"]), Read(o?["scenarios"]));
    }

    private static readonly IReadOnlyDictionary<string, string> Empty = new Dictionary<string, string>();

    private static System.Text.Json.Nodes.JsonObject Section(IReadOnlyDictionary<string, string>? files)
    {
        var o = new System.Text.Json.Nodes.JsonObject();
        foreach (var (name, text) in (files ?? Empty).OrderBy(f => f.Key, StringComparer.Ordinal)) o[name] = text;
        return o;
    }

    private static Dictionary<string, string> Read(System.Text.Json.Nodes.JsonNode? node) =>
        node is System.Text.Json.Nodes.JsonObject o
            ? o.Where(kv => kv.Value is not null).ToDictionary(kv => kv.Key, kv => kv.Value!.GetValue<string>(), StringComparer.Ordinal)
            : new Dictionary<string, string>(StringComparer.Ordinal);
}

/// <summary>The designer's drafts, one per tenant, process and owner (Schema/*/0011_designer.sql).</summary>
public interface IDesignerDraftStore
{
    DesignerDraft? Find(string tenantId, string processId, string owner);

    /// <summary>Creates or replaces the owner's draft of the process.</summary>
    void Save(string tenantId, DesignerDraft draft);

    /// <summary>Discards the owner's draft; false when there was none.</summary>
    bool Delete(string tenantId, string processId, string owner);
}

/// <summary>Drafts in memory (<c>--store memory</c>, tests). Thread-safe.</summary>
public sealed class InMemoryDesignerDraftStore : IDesignerDraftStore
{
    private readonly Lock _lock = new();
    private readonly Dictionary<(string, string, string), DesignerDraft> _drafts = [];

    public DesignerDraft? Find(string tenantId, string processId, string owner)
    {
        lock (_lock) return _drafts.GetValueOrDefault((tenantId, processId, owner));
    }

    public void Save(string tenantId, DesignerDraft draft)
    {
        ArgumentNullException.ThrowIfNull(draft);
        lock (_lock) _drafts[(tenantId, draft.ProcessId, draft.Owner)] = draft;
    }

    public bool Delete(string tenantId, string processId, string owner)
    {
        lock (_lock) return _drafts.Remove((tenantId, processId, owner));
    }
}

/// <summary>Drafts in the engine's database: plain parameterized SQL, one statement per call.</summary>
public sealed class SqlDesignerDraftStore(DurableStoreOptions options) : IDesignerDraftStore
{
    public DesignerDraft? Find(string tenantId, string processId, string owner)
    {
        using var c = SqlitePragmas.Open(options);
        using var cmd = Command(c, "SELECT bpmn_xml, based_on_version, updated_at, files_json FROM designer_drafts WHERE tenant_id = @p0 AND process_id = @p1 AND owner = @p2",
            tenantId, processId, owner);
        using var r = cmd.ExecuteReader();
        if (!r.Read()) return null;
        var (forms, scenarios) = DesignerDraft.ReadFiles(r.IsDBNull(3) ? null : r.GetString(3));
        return new DesignerDraft(processId, owner, r.GetString(0),
            r.IsDBNull(1) ? null : Convert.ToInt32(r.GetValue(1), CultureInfo.InvariantCulture),
            Ticks.At(Convert.ToInt64(r.GetValue(2), CultureInfo.InvariantCulture)), forms, scenarios);
    }

    public void Save(string tenantId, DesignerDraft draft)
    {
        ArgumentNullException.ThrowIfNull(draft);
        var upsert = "INSERT INTO designer_drafts (tenant_id, process_id, owner, bpmn_xml, based_on_version, updated_at, files_json) VALUES (@p0, @p1, @p2, @p3, @p4, @p5, @p6) " +
                     "ON CONFLICT (tenant_id, process_id, owner) DO UPDATE SET bpmn_xml = excluded.bpmn_xml, based_on_version = excluded.based_on_version, " +
                     "updated_at = excluded.updated_at, files_json = excluded.files_json";
        using var c = SqlitePragmas.Open(options);
        using var cmd = Command(c, upsert, tenantId, draft.ProcessId, draft.Owner, draft.BpmnXml, draft.BasedOnVersion, Ticks.Of(draft.UpdatedAt), draft.FilesJson());
        cmd.Parameters[6].DbType = System.Data.DbType.String; // its null is text, not the Int32 of based_on_version's
        cmd.ExecuteNonQuery();
    }

    public bool Delete(string tenantId, string processId, string owner)
    {
        using var c = SqlitePragmas.Open(options);
        using var cmd = Command(c, "DELETE FROM designer_drafts WHERE tenant_id = @p0 AND process_id = @p1 AND owner = @p2", tenantId, processId, owner);
        return cmd.ExecuteNonQuery() > 0;
    }

    // Both dialects share these statements (ON CONFLICT … excluded: SQLite 3.24 and later, PostgreSQL).
    private static DbCommand Command(DbConnection c, string sql, params object?[] values) =>
        PositionalCommand.Create(c, sql, System.Data.DbType.Int32, values);
}
