using Npgsql;

namespace EGov.Workflows.Reliability.Tests;

/// <summary>
/// Three <c>egov serve</c> nodes (node-1..3) on one PostgreSQL schema of the database <c>EGOV_TEST_POSTGRES</c> names,
/// started together (so they migrate the schema and deploy the models at the same moment, as a cluster restart would).
/// Nothing starts when PostgreSQL is not configured; the tests then skip with the reason.
/// </summary>
public sealed class PostgresCluster : IAsyncLifetime, IDisposable
{
    public const string PostgresVariable = "EGOV_TEST_POSTGRES";
    public const int NodeCount = 3;

    private readonly TempFolder _folder = new();
    private string? _schema;

    public static string? AdminConnection => Environment.GetEnvironmentVariable(PostgresVariable) is { Length: > 0 } c ? c : null;

    public IReadOnlyList<EgovServe> Nodes { get; private set; } = [];
    public IReadOnlyList<EngineClient> Clients => Nodes.Select(n => n.Client).ToList();
    public StoreProbe Probe { get; private set; } = null!;
    public string Store { get; private set; } = "";
    /// <summary>Where the nodes run (the CLI creates accounts from here).</summary>
    public string WorkDir => _folder.Path;

    public async Task InitializeAsync()
    {
        if (AdminConnection is not { } admin) return;
        _schema = "reliability_" + Guid.NewGuid().ToString("N")[..12];
        await using (var c = new NpgsqlConnection(admin))
        {
            await c.OpenAsync();
            await using var cmd = new NpgsqlCommand($"CREATE SCHEMA \"{_schema}\"", c);
            await cmd.ExecuteNonQueryAsync();
        }
        var connection = new NpgsqlConnectionStringBuilder(admin) { SearchPath = _schema }.ConnectionString;
        Store = $"postgres:{connection}";
        Probe = StoreProbe.Postgres(connection);
        var processes = _folder.Processes(ReliabilityModel.File, "approval.bpmn");
        var starting = Enumerable.Range(1, NodeCount).Select(i => EgovServe.StartAsync(Store, processes, $"node-{i}", _folder.Path)).ToList();
        try
        {
            Nodes = await Task.WhenAll(starting);
        }
        catch
        {
            // One node did not start: the others must not outlive the test run.
            foreach (var t in starting.Where(t => t.IsCompletedSuccessfully)) await t.Result.DisposeAsync();
            throw;
        }
    }

    public async Task DisposeAsync()
    {
        foreach (var n in Nodes) await n.DisposeAsync();
        if (_schema is not null && AdminConnection is { } admin)
        {
            NpgsqlConnection.ClearAllPools();
            await using var c = new NpgsqlConnection(admin);
            await c.OpenAsync();
            await using var cmd = new NpgsqlCommand($"DROP SCHEMA IF EXISTS \"{_schema}\" CASCADE", c);
            await cmd.ExecuteNonQueryAsync();
        }
    }

    public void Dispose() => _folder.Dispose();
}

/// <summary>A test that needs PostgreSQL: skipped, with the reason, unless EGOV_TEST_POSTGRES is set (./test.sh sets it).</summary>
public sealed class PostgresFactAttribute : FactAttribute
{
    public PostgresFactAttribute()
    {
        if (PostgresCluster.AdminConnection is null)
            Skip = $"needs PostgreSQL: set {PostgresCluster.PostgresVariable} (scripts/postgres.sh start prints it; ./test.sh starts one)";
    }
}
