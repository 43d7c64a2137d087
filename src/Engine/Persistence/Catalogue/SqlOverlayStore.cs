using System.Data.Common;
using System.Globalization;
using EGov.Workflows.Persistence.Data;
using EGov.Workflows.Persistence.Data.Sqlite;
using NodaTime;

namespace EGov.Workflows.Persistence.Catalogue;

/// <summary>A tenant's overlay as kept in the store: its YAML, content hash, and who wrote it when.</summary>
public sealed record StoredOverlay(string TenantId, string Service, string Yaml, string Hash, long Revision, string? DeployedBy, Instant DeployedAt);

/// <summary>
/// The overlays deployed through the API (table <c>catalogue_overlays</c>, Schema/*/0023_catalogue_overlays.sql): one row per
/// tenant and shared service, replaced by the next write. Every node over the store reads them, so an overlay written on one
/// node is merged and shown by the others without a restart; <see cref="Stamp"/> tells cheaply whether anything changed.
/// </summary>
public sealed class SqlOverlayStore(DurableStoreOptions options)
{
    private DbConnection Open() => SqlitePragmas.Open(options);

    private static void Add(DbCommand cmd, string name, object? value)
    {
        var p = cmd.CreateParameter();
        p.ParameterName = name;
        p.Value = value ?? DBNull.Value;
        if (value is null) p.DbType = System.Data.DbType.String;
        cmd.Parameters.Add(p);
    }

    /// <summary>Keeps the tenant's overlay of <paramref name="service"/> (replacing the one before) with the next revision.</summary>
    public void Save(string tenantId, string service, string yaml, string hash, string? deployedBy, Instant at)
    {
        ArgumentNullException.ThrowIfNull(tenantId);
        ArgumentNullException.ThrowIfNull(service);
        ArgumentNullException.ThrowIfNull(yaml);
        using var c = Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText =
            "INSERT INTO catalogue_overlays (tenant_id, service, yaml, hash, revision, deployed_by, deployed_at) " +
            "VALUES (@t, @s, @y, @h, (SELECT COALESCE(MAX(revision), 0) + 1 FROM catalogue_overlays), @by, @at) " +
            "ON CONFLICT (tenant_id, service) DO UPDATE SET yaml = excluded.yaml, hash = excluded.hash, revision = excluded.revision, " +
            "deployed_by = excluded.deployed_by, deployed_at = excluded.deployed_at";
        Add(cmd, "@t", tenantId);
        Add(cmd, "@s", service);
        Add(cmd, "@y", yaml);
        Add(cmd, "@h", hash);
        Add(cmd, "@by", deployedBy);
        Add(cmd, "@at", Ticks.Of(at));
        cmd.ExecuteNonQuery();
    }

    /// <summary>Every kept overlay, by tenant and service.</summary>
    public IReadOnlyList<StoredOverlay> List()
    {
        using var c = Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT tenant_id, service, yaml, hash, revision, deployed_by, deployed_at FROM catalogue_overlays ORDER BY tenant_id, service";
        using var r = cmd.ExecuteReader();
        var list = new List<StoredOverlay>();
        while (r.Read())
            list.Add(new StoredOverlay(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3),
                Convert.ToInt64(r.GetValue(4), CultureInfo.InvariantCulture), r.IsDBNull(5) ? null : r.GetString(5),
                Ticks.At(Convert.ToInt64(r.GetValue(6), CultureInfo.InvariantCulture))));
        return list;
    }

    /// <summary>
    /// One cheap read that changes whenever an overlay is written (count, highest and sum of the revisions): a node compares it
    /// with the one it saw last to learn that another node wrote an overlay.
    /// </summary>
    public (long Count, long MaxRevision, long SumRevisions) Stamp()
    {
        using var c = Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT COUNT(*), COALESCE(MAX(revision), 0), COALESCE(SUM(revision), 0) FROM catalogue_overlays";
        using var r = cmd.ExecuteReader();
        r.Read();
        return (Convert.ToInt64(r.GetValue(0), CultureInfo.InvariantCulture), Convert.ToInt64(r.GetValue(1), CultureInfo.InvariantCulture),
            Convert.ToInt64(r.GetValue(2), CultureInfo.InvariantCulture));
    }
}
