using Npgsql;

namespace EGov.Workflows.Host.Tests;

/// <summary>
/// The durable store of a test: a SQLite file in a temp folder, or a fresh PostgreSQL schema when EGOV_TEST_POSTGRES names a
/// server (./test.sh starts one); dropped when disposed.
/// </summary>
internal sealed class StoreUnderTest(string store, Action drop) : IDisposable
{
    /// <summary>The server's store option (<c>sqlite:PATH</c> or <c>postgres:CONNECTION</c>).</summary>
    public string Store { get; } = store;

    public static string? PostgresConnection => Environment.GetEnvironmentVariable("EGOV_TEST_POSTGRES") is { Length: > 0 } c ? c : null;

    /// <summary>"sqlite", and "postgres" when a server is there: the theory data of tests that run on both.</summary>
    public static TheoryData<string> Names()
    {
        var data = new TheoryData<string> { "sqlite" };
        if (PostgresConnection is not null) data.Add("postgres");
        return data;
    }

    /// <summary>"memory", "sqlite", and "postgres" when a server is there: tests whose answers must not depend on the store.</summary>
    public static TheoryData<string> All()
    {
        var data = new TheoryData<string> { "memory", "sqlite" };
        if (PostgresConnection is not null) data.Add("postgres");
        return data;
    }

    public static StoreUnderTest Of(string name, string prefix) => name switch
    {
        "memory" => new StoreUnderTest("memory", () => { }),
        "sqlite" => Sqlite(prefix),
        _ => Postgres(PostgresConnection!, prefix),
    };

    public static StoreUnderTest Sqlite(string prefix)
    {
        var dir = Path.Combine(Path.GetTempPath(), $"egov-{prefix}-tests", Guid.NewGuid().ToString("N"));
        return new StoreUnderTest($"sqlite:{Path.Combine(dir, "egov.db")}", () =>
        {
            try { Directory.Delete(dir, true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        });
    }

    public static StoreUnderTest Postgres(string admin, string prefix)
    {
        var schema = prefix + "_" + Guid.NewGuid().ToString("N")[..12];
        Execute(admin, $"CREATE SCHEMA \"{schema}\"");
        return new StoreUnderTest($"postgres:{new NpgsqlConnectionStringBuilder(admin) { SearchPath = schema }.ConnectionString}", () =>
        {
            NpgsqlConnection.ClearAllPools();
            Execute(admin, $"DROP SCHEMA IF EXISTS \"{schema}\" CASCADE");
        });
    }

    private static void Execute(string connection, string sql)
    {
        using var c = new NpgsqlConnection(connection);
        c.Open();
        using var cmd = new NpgsqlCommand(sql, c);
        cmd.ExecuteNonQuery();
    }

    public void Dispose() => drop();
}
