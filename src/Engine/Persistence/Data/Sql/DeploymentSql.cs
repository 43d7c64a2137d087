namespace EGov.Workflows.Persistence.Data.Sql;

/// <summary>
/// The reads of the deployments table every start makes, as plain SQL on the store's reader sessions: through EF Core's
/// LINQ each was compiled on first use — half a second on the start's critical path (bench W5's first deploy and
/// restart), for two queries that never change.
/// </summary>
internal static class DeploymentSql
{
    /// <summary>How many versions the tenant stores and the latest deployment instant (ticks; 0 when none).</summary>
    public static readonly SqlText Stamp = new("SELECT COUNT(*), COALESCE(MAX(deployed_at), 0) FROM deployments WHERE tenant_id = @p0");

    /// <summary>
    /// Every version of a tenant without its model, ordered by process and version; a reference whose outline is its
    /// shared version's (<see cref="Deployments.DeploymentOutline.SharedMarker"/>) with that version's outline text.
    /// </summary>
    public static readonly SqlText Heads = new($"""
        SELECT d.tenant_id, d.process_id, d.version, d.content_hash, d.file, d.history_ttl_days, d.deployed_at, d.deployed_by,
               d.change_note, d.source_hash, d.process_name,
               CASE WHEN d.outline = '{Deployments.DeploymentOutline.SharedMarker}' THEN s.outline ELSE d.outline END,
               d.shared_tenant_id, d.shared_version
        FROM deployments d
        LEFT JOIN deployments s ON s.tenant_id = d.shared_tenant_id AND s.process_id = d.process_id AND s.version = d.shared_version
        WHERE d.tenant_id = @p0
        ORDER BY d.process_id, d.version
        """);

    public static DeploymentRow Head(System.Data.Common.DbDataReader r) => new()
    {
        TenantId = r.GetString(0), ProcessId = r.GetString(1), Version = r.GetInt32(2), ContentHash = r.GetString(3), File = r.GetString(4),
        HistoryTtlDays = r.IsDBNull(5) ? null : r.GetInt32(5), DeployedAt = r.GetInt64(6), DeployedBy = Text(r, 7), ChangeNote = Text(r, 8),
        SourceHash = Text(r, 9), ProcessName = Text(r, 10), Outline = Text(r, 11), SharedTenantId = Text(r, 12),
        SharedVersion = r.IsDBNull(13) ? null : r.GetInt32(13),
    };

    private static string? Text(System.Data.Common.DbDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);
}
