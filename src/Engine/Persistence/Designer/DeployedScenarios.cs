using System.Data.Common;
using System.Globalization;
using EGov.Workflows.Persistence.Data;
using EGov.Workflows.Persistence.Data.Sqlite;

namespace EGov.Workflows.Persistence.Designer;

/// <summary>One scenario kept with a deployed version: its file name (<c>NAME.scenario.yaml</c>) under the version.</summary>
public sealed record DeployedScenarioFile(string ProcessId, int Version, string File);

/// <summary>
/// The scenarios written or recorded in the designer, kept with the version they were deployed with
/// (Schema/*/0029_designer_scenarios.sql), so they can be opened and run again for that version and downloaded with its
/// model and forms. The server never writes them into the repository's processes/ folder.
/// </summary>
public interface IDeployedScenarioStore
{
    /// <summary>Replaces the scenarios of a version with these (none: the version keeps none).</summary>
    void Save(string tenantId, string processId, int version, IReadOnlyDictionary<string, string> scenarios);

    /// <summary>The scenarios of a version, by file name (empty when it has none).</summary>
    IReadOnlyDictionary<string, string> Find(string tenantId, string processId, int version);

    /// <summary>Which versions keep which scenario files (of one process, or of every process of the tenant).</summary>
    IReadOnlyList<DeployedScenarioFile> Files(string tenantId, string? processId = null);
}

/// <summary>Deployed scenarios in memory (<c>--store memory</c>, tests). Thread-safe.</summary>
public sealed class InMemoryDeployedScenarioStore : IDeployedScenarioStore
{
    private readonly Lock _lock = new();
    private readonly Dictionary<(string Tenant, string Process, int Version), Dictionary<string, string>> _versions = [];

    public void Save(string tenantId, string processId, int version, IReadOnlyDictionary<string, string> scenarios)
    {
        ArgumentNullException.ThrowIfNull(scenarios);
        lock (_lock)
        {
            if (scenarios.Count == 0) _versions.Remove((tenantId, processId, version));
            else _versions[(tenantId, processId, version)] = new Dictionary<string, string>(scenarios, StringComparer.Ordinal);
        }
    }

    public IReadOnlyDictionary<string, string> Find(string tenantId, string processId, int version)
    {
        lock (_lock)
            return _versions.TryGetValue((tenantId, processId, version), out var found)
                ? new Dictionary<string, string>(found, StringComparer.Ordinal) : new Dictionary<string, string>();
    }

    public IReadOnlyList<DeployedScenarioFile> Files(string tenantId, string? processId = null)
    {
        lock (_lock)
            return _versions.Where(v => v.Key.Tenant == tenantId && (processId is null || v.Key.Process == processId))
                .SelectMany(v => v.Value.Keys.Select(f => new DeployedScenarioFile(v.Key.Process, v.Key.Version, f)))
                .OrderBy(f => f.ProcessId, StringComparer.Ordinal).ThenBy(f => f.Version).ThenBy(f => f.File, StringComparer.Ordinal).ToList();
    }
}

/// <summary>Deployed scenarios in the engine's database: plain parameterized SQL; a save is one transaction.</summary>
public sealed class SqlDeployedScenarioStore(DurableStoreOptions options) : IDeployedScenarioStore
{
    public void Save(string tenantId, string processId, int version, IReadOnlyDictionary<string, string> scenarios)
    {
        ArgumentNullException.ThrowIfNull(scenarios);
        using var c = SqlitePragmas.Open(options);
        using var tx = c.BeginTransaction();
        using (var delete = Command(c, "DELETE FROM deployment_scenarios WHERE tenant_id = @p0 AND process_id = @p1 AND version = @p2", tenantId, processId, version))
        {
            delete.Transaction = tx;
            delete.ExecuteNonQuery();
        }
        foreach (var (file, yaml) in scenarios.OrderBy(s => s.Key, StringComparer.Ordinal))
        {
            using var insert = Command(c, "INSERT INTO deployment_scenarios (tenant_id, process_id, version, file, yaml) VALUES (@p0, @p1, @p2, @p3, @p4)",
                tenantId, processId, version, file, yaml);
            insert.Transaction = tx;
            insert.ExecuteNonQuery();
        }
        tx.Commit();
    }

    public IReadOnlyDictionary<string, string> Find(string tenantId, string processId, int version)
    {
        using var c = SqlitePragmas.Open(options);
        using var cmd = Command(c, "SELECT file, yaml FROM deployment_scenarios WHERE tenant_id = @p0 AND process_id = @p1 AND version = @p2 ORDER BY file",
            tenantId, processId, version);
        using var r = cmd.ExecuteReader();
        var found = new Dictionary<string, string>(StringComparer.Ordinal);
        while (r.Read()) found[r.GetString(0)] = r.GetString(1);
        return found;
    }

    public IReadOnlyList<DeployedScenarioFile> Files(string tenantId, string? processId = null)
    {
        using var c = SqlitePragmas.Open(options);
        using var cmd = processId is null
            ? Command(c, "SELECT process_id, version, file FROM deployment_scenarios WHERE tenant_id = @p0 ORDER BY process_id, version, file", tenantId)
            : Command(c, "SELECT process_id, version, file FROM deployment_scenarios WHERE tenant_id = @p0 AND process_id = @p1 ORDER BY version, file", tenantId, processId);
        using var r = cmd.ExecuteReader();
        var files = new List<DeployedScenarioFile>();
        while (r.Read()) files.Add(new DeployedScenarioFile(r.GetString(0), Convert.ToInt32(r.GetValue(1), CultureInfo.InvariantCulture), r.GetString(2)));
        return files;
    }

    private static DbCommand Command(DbConnection c, string sql, params object?[] values) =>
        PositionalCommand.Create(c, sql, System.Data.DbType.Int32, values);
}
