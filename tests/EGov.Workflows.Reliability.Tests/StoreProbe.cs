using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace EGov.Workflows.Reliability.Tests;

/// <summary>
/// Reads the engine's tables with plain SQL (the same on SQLite and PostgreSQL): what the servers committed, independent of
/// what their API answers. Read-only; safe while servers run (SQLite WAL readers do not block the writer).
/// </summary>
public sealed class StoreProbe(Func<DbConnection> open)
{
    public static StoreProbe Sqlite(string file) =>
        new(() => new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = file, Pooling = false }.ToString()));

    public static StoreProbe Postgres(string connection) => new(() => new NpgsqlConnection(connection));

    /// <summary>The instances of the reliability model by business key (a key with two instances is a start that happened twice).</summary>
    public async Task<Dictionary<string, List<(string Id, string Status)>>> InstancesByBusinessKeyAsync()
    {
        var result = new Dictionary<string, List<(string, string)>>(StringComparer.Ordinal);
        foreach (var row in await RowsAsync($"SELECT COALESCE(business_key, ''), id, status FROM instances WHERE {OfTheModel}"))
        {
            if (!result.TryGetValue(row[0], out var list)) result[row[0]] = list = [];
            list.Add((row[1], row[2]));
        }
        return result;
    }

    /// <summary>The instances of one process by business key.</summary>
    public async Task<Dictionary<string, List<(string Id, string Status)>>> InstancesOfAsync(string processId)
    {
        var result = new Dictionary<string, List<(string, string)>>(StringComparer.Ordinal);
        foreach (var row in await RowsAsync($"SELECT COALESCE(business_key, ''), id, status FROM instances WHERE process_id = '{processId.Replace("'", "''", StringComparison.Ordinal)}'"))
        {
            if (!result.TryGetValue(row[0], out var list)) result[row[0]] = list = [];
            list.Add((row[1], row[2]));
        }
        return result;
    }

    /// <summary>SQL condition: instances of Models/reliability.bpmn (other tests' models may share the database).</summary>
    public const string OfTheModel = $"process_id = '{ReliabilityModel.ProcessId}'";

    public async Task<int> CountAsync(string table, string where = "1 = 1") =>
        int.Parse((await RowsAsync($"SELECT COUNT(*) FROM {table} WHERE {where}"))[0][0], System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Element instances recorded more than once in history (the model has no loops, so each element ends once per instance).</summary>
    public async Task<List<string>> DuplicateHistoryAsync() =>
        (await RowsAsync("""
            SELECT instance_id, element_id, COUNT(*) FROM history_element_instances
            GROUP BY instance_id, element_id HAVING COUNT(*) > 1 ORDER BY instance_id, element_id
            """)).Select(r => $"{r[0]}/{r[1]} ×{r[2]}").ToList();

    /// <summary>The first open incidents (why an instance cannot complete).</summary>
    public async Task<List<string>> IncidentsAsync(int max = 5) =>
        (await RowsAsync($"SELECT instance_id, payload FROM incidents ORDER BY created_at LIMIT {max}")).Select(r => $"{r[0]}: {r[1]}").ToList();

    /// <summary>Who holds job leases now: lease owner → number of jobs.</summary>
    public async Task<Dictionary<string, int>> LeaseOwnersAsync() =>
        (await RowsAsync("SELECT lock_owner, COUNT(*) FROM jobs WHERE lock_owner IS NOT NULL GROUP BY lock_owner"))
            .ToDictionary(r => r[0], r => int.Parse(r[1], System.Globalization.CultureInfo.InvariantCulture), StringComparer.Ordinal);

    private async Task<List<string[]>> RowsAsync(string sql)
    {
        await using var conn = open();
        await conn.OpenAsync();
        await using var cmd = conn.CreateCommand();
        cmd.CommandText = sql;
        await using var r = await cmd.ExecuteReaderAsync();
        var rows = new List<string[]>();
        while (await r.ReadAsync())
        {
            var row = new string[r.FieldCount];
            for (var i = 0; i < row.Length; i++) row[i] = Convert.ToString(r.GetValue(i), System.Globalization.CultureInfo.InvariantCulture) ?? "";
            rows.Add(row);
        }
        return rows;
    }
}
