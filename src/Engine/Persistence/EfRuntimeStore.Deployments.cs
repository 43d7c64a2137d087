using EGov.Workflows.Persistence.Data;
using EGov.Workflows.Runtime.Store;
using Microsoft.EntityFrameworkCore;

namespace EGov.Workflows.Persistence;

// The deployments table (see Deployments/DurableDeployments.cs for the versioning rules).
public sealed partial class EfRuntimeStore
{
    internal List<DeploymentRow> DeploymentRows(string tenantId)
    {
        using var db = _db.Create();
        return db.Deployments.Where(d => d.TenantId == tenantId).OrderBy(d => d.ProcessId).ThenBy(d => d.Version).ToList();
    }

    /// <summary>Stores new versions in one transaction; a version another node stored meanwhile is a conflict.</summary>
    internal void AddDeployments(IReadOnlyList<DeploymentRow> rows)
    {
        using var db = _db.Create();
        using var tx = db.Database.BeginTransaction();
        db.Deployments.AddRange(rows);
        try
        {
            db.SaveChanges();
        }
        catch (DbUpdateException e) when (Data.Sql.Conflicts.IsUniqueViolation(e))
        {
            throw new ConcurrencyConflictException("another node deployed a version of the same process at the same time; deploy again", e);
        }
        tx.Commit();
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
        foreach (var r in rows)
        {
            var existing = db.DeploymentForms.Find(r.TenantId, r.ProcessId, r.Version, r.FormKey);
            if (existing is null) db.DeploymentForms.Add(r);
            else { existing.File = r.File; existing.SchemaJson = r.SchemaJson; }
        }
        try
        {
            db.SaveChanges();
        }
        catch (DbUpdateException e) when (Data.Sql.Conflicts.IsUniqueViolation(e))
        {
            throw new ConcurrencyConflictException("another node kept the forms of the same version at the same time; deploy again", e);
        }
        tx.Commit();
    }
}
