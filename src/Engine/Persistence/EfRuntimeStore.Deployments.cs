using EGov.Workflows.Persistence.Data;
using EGov.Workflows.Runtime.Store;
using Microsoft.EntityFrameworkCore;

namespace EGov.Workflows.Persistence;

// The deployments table (see Deployments/DurableDeployments.cs for the versioning rules).
public sealed partial class EfRuntimeStore
{
    /// <summary>
    /// Every stored version of a tenant without its model (<see cref="DeploymentRow.BpmnXml"/> empty): what a deployment
    /// compares against, so deploying costs what changed, not a read of every stored model.
    /// </summary>
    /// <remarks>
    /// A reference whose outline is its shared version's (<see cref="Deployments.DeploymentOutline.SharedMarker"/>) is read
    /// with that version's outline text; null (made again from the model) when the shared version is not stored.
    /// </remarks>
    internal List<DeploymentRow> DeploymentHeads(string tenantId) =>
        _reader.Query(Data.Sql.DeploymentSql.Heads, p => p.Text(tenantId), Data.Sql.DeploymentSql.Head);

    /// <summary>Sets the source hash of stored versions (a file whose bytes changed but whose model did not keeps its version).</summary>
    internal void SetDeploymentSources(string tenantId, IReadOnlyList<(string ProcessId, int Version, string SourceHash)> versions)
    {
        if (versions.Count == 0) return;
        using var db = _db.Create();
        using var tx = db.Database.BeginTransaction();
        foreach (var (processId, version, hash) in versions)
            db.Deployments.Where(d => d.TenantId == tenantId && d.ProcessId == processId && d.Version == version)
                .ExecuteUpdate(s => s.SetProperty(d => d.SourceHash, hash));
        tx.Commit();
    }

    /// <summary>Fills in the name and outline of versions stored before they were kept (migration 0038).</summary>
    internal void SetDeploymentOutlines(string tenantId, IReadOnlyList<(string ProcessId, int Version, string? Name, string Outline)> versions)
    {
        if (versions.Count == 0) return;
        using var db = _db.Create();
        using var tx = db.Database.BeginTransaction();
        foreach (var (processId, version, name, outline) in versions)
            db.Deployments.Where(d => d.TenantId == tenantId && d.ProcessId == processId && d.Version == version)
                .ExecuteUpdate(s => s.SetProperty(d => d.ProcessName, name).SetProperty(d => d.Outline, outline));
        tx.Commit();
    }

    /// <summary>The stored model of one version, or null.</summary>
    internal string? DeploymentXml(string tenantId, string processId, int version)
    {
        using var db = _db.Create();
        return db.Deployments.Where(d => d.TenantId == tenantId && d.ProcessId == processId && d.Version == version).Select(d => d.BpmnXml).FirstOrDefault();
    }

    /// <summary>
    /// What one version's model is made of (Schema/*/0039): its own model text, or the shared version it references with the
    /// overlay (then <see cref="DeploymentRow.BpmnXml"/> is empty); null when it is not stored.
    /// </summary>
    internal DeploymentRow? DeploymentSource(string tenantId, string processId, int version)
    {
        using var db = _db.Create();
        return db.Deployments.Where(d => d.TenantId == tenantId && d.ProcessId == processId && d.Version == version)
            .Select(d => new DeploymentRow
            {
                TenantId = d.TenantId, ProcessId = d.ProcessId, Version = d.Version, File = d.File, BpmnXml = d.BpmnXml,
                SharedTenantId = d.SharedTenantId, SharedVersion = d.SharedVersion, OverlayJson = d.OverlayJson,
            }).FirstOrDefault();
    }

    /// <summary>
    /// How many bytes (UTF-8) of models the tenant's stored versions hold, summed in SQL (the models stay in the database):
    /// bytes, not characters, so a model of umlauts or other multibyte text counts what it costs to store.
    /// </summary>
    internal long DeploymentSize(string tenantId)
    {
        using var db = _db.Create();
        var bytes = Options.Provider == StoreProvider.Postgres
            ? db.Database.SqlQuery<long>($"SELECT COALESCE(SUM(octet_length(bpmn_xml) + COALESCE(octet_length(overlay_json), 0)), 0)::bigint AS \"Value\" FROM deployments WHERE tenant_id = {tenantId}")
            : db.Database.SqlQuery<long>($"SELECT COALESCE(SUM(length(CAST(bpmn_xml AS BLOB)) + COALESCE(length(CAST(overlay_json AS BLOB)), 0)), 0) AS \"Value\" FROM deployments WHERE tenant_id = {tenantId}");
        return bytes.AsEnumerable().Single();
    }

    /// <summary>
    /// How many instances of the tenant (root and called) are running: the count the triggers on <c>instances</c> keep in
    /// the same transaction as every start, end and deletion (migration 0032) — one row read, whatever the number.
    /// </summary>
    public long CountOpenCases(string tenantId) =>
        _reader.Query(Data.Sql.CommitSql.OpenInstances, p => p.Text(tenantId), r => r.GetInt64(0)).FirstOrDefault();

    /// <summary>Whether any instance (running or ended, root or called) was started on the version.</summary>
    public bool HasInstancesOf(string tenantId, string processId, int version)
    {
        using var db = _db.Create();
        return db.Instances.Any(i => i.TenantId == tenantId && i.ProcessId == processId && i.DefinitionVersion == version);
    }

    /// <summary>
    /// Deletes a version without instances with its forms and start timers, in one transaction; false when it is not stored.
    /// An instance started on it meanwhile is a conflict (nothing is deleted).
    /// </summary>
    internal bool DeleteDeployment(string tenantId, string processId, int version)
    {
        using var db = _db.Create();
        using var tx = db.Database.BeginTransaction();
        var row = db.Deployments.Find(tenantId, processId, version);
        if (row is null) return false;
        if (db.Instances.Any(i => i.TenantId == tenantId && i.ProcessId == processId && i.DefinitionVersion == version))
            throw new ConcurrencyConflictException($"an instance of '{processId}' version {version} was started meanwhile; nothing was deleted");
        // A shared model's version that tenants' versions are made from (0039) stays: their cases and catalogues read it.
        if (db.Deployments.Any(d => d.SharedTenantId == tenantId && d.ProcessId == processId && d.SharedVersion == version))
            throw new ConcurrencyConflictException($"'{processId}' version {version} is the shared model of tenants' versions (overlays); nothing was deleted");
        db.Deployments.Remove(row);
        db.DeploymentForms.RemoveRange(db.DeploymentForms.Where(f => f.TenantId == tenantId && f.ProcessId == processId && f.Version == version));
        var timers = $"{processId}:{version}:"; // a start timer's id: process, version, element
        db.StartTimers.RemoveRange(db.StartTimers.Where(t => t.TenantId == tenantId && t.ProcessId == processId && t.Id.StartsWith(timers)));
        db.SaveChanges();
        tx.Commit();
        return true;
    }

    /// <summary>Whether the tenant holds any stored version (one indexed row read, no model).</summary>
    internal bool HasDeployments(string tenantId)
    {
        using var db = _db.Create();
        return db.Deployments.Any(d => d.TenantId == tenantId);
    }

    /// <summary>
    /// Stores new versions with the forms and scenarios deployed with them in one transaction: all are written, or none. A
    /// version another node stored meanwhile is a conflict; a form already kept for a version and key is replaced.
    /// </summary>
    internal void AddDeployments(IReadOnlyList<DeploymentRow> rows, IReadOnlyList<DeploymentFormRow>? forms = null,
        IReadOnlyList<Deployments.StoredScenario>? scenarios = null)
    {
        CheckFile();
        using var db = _db.Create();
        using var tx = db.Database.BeginTransaction();
        try
        {
            // Plain INSERTs in the context's transaction (Data/Sql/DeploymentRowsInsert.cs): no change tracking for rows written once.
            var connection = db.Database.GetDbConnection();
            var dbTx = Microsoft.EntityFrameworkCore.Storage.DbContextTransactionExtensions.GetDbTransaction(tx);
            Data.Sql.DeploymentRowsInsert.Write(connection, dbTx, _db.IsSqlite, rows);
            if (forms is { Count: > 0 }) Data.Sql.DeploymentRowsInsert.Write(connection, dbTx, _db.IsSqlite, forms);
            // The scenarios of the new versions (Schema/*/0029): a version has none before it is stored, so they are only inserted.
            var tenant = rows.Count > 0 ? rows[0].TenantId : "";
            foreach (var x in scenarios ?? [])
                db.Database.ExecuteSql($"INSERT INTO deployment_scenarios (tenant_id, process_id, version, file, yaml) VALUES ({tenant}, {x.ProcessId}, {x.Version}, {x.File}, {x.Yaml})");
        }
        catch (Exception e) when (e is DbUpdateException or System.Data.Common.DbException && Data.Sql.Conflicts.IsUniqueViolation(e))
        {
            throw new ConcurrencyConflictException("another node deployed a version of the same process at the same time; deploy again", e);
        }
        tx.Commit();
    }

    /// <summary>
    /// What tells a node that another node deployed or deleted a version since it last looked: the number of the tenant's
    /// stored versions and the latest deployment instant (one index range read, no model).
    /// </summary>
    internal (long Count, long LastDeployedAt) DeploymentStamp(string tenantId) =>
        _reader.Query(Data.Sql.DeploymentSql.Stamp, p => p.Text(tenantId), r => (r.GetInt64(0), r.GetInt64(1)))[0];

    /// <summary>The forms kept for one version.</summary>
    internal List<DeploymentFormRow> DeploymentFormRows(string tenantId, string processId, int version)
    {
        using var db = _db.Create();
        return db.DeploymentForms.Where(f => f.TenantId == tenantId && f.ProcessId == processId && f.Version == version).OrderBy(f => f.FormKey).ToList();
    }

    internal List<DeploymentFormRow> DeploymentFormRows(string tenantId)
    {
        using var db = _db.Create();
        return db.DeploymentForms.Where(f => f.TenantId == tenantId).OrderBy(f => f.ProcessId).ThenBy(f => f.Version).ThenBy(f => f.FormKey).ToList();
    }

    /// <summary>Keeps the forms of deployed versions in one transaction: a form already kept for a version and key is replaced.</summary>
    internal void SaveDeploymentForms(IReadOnlyList<DeploymentFormRow> rows)
    {
        if (rows.Count == 0) return;
        using var db = _db.Create();
        using var tx = db.Database.BeginTransaction();
        // An upsert: two nodes keeping the same version's forms at once both succeed, the later one's text remains.
        Data.Sql.DeploymentRowsInsert.Write(db.Database.GetDbConnection(), Microsoft.EntityFrameworkCore.Storage.DbContextTransactionExtensions.GetDbTransaction(tx), _db.IsSqlite, rows);
        tx.Commit();
    }
}
