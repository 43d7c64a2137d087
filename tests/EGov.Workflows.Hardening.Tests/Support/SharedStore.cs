using Npgsql;

namespace EGov.Workflows.Hardening.Tests;

/// <summary>
/// One store for several nodes: a SQLite file, or a PostgreSQL schema of its own in the database EGOV_TEST_POSTGRES names
/// (<c>scripts/postgres.sh start</c>); dropped again when disposed.
/// </summary>
internal sealed class SharedStore(string store, Action drop) : IDisposable
{
    /// <summary>The <c>--store</c> value every node gets.</summary>
    public string Store { get; } = store;

    /// <summary>The PostgreSQL connection of the test database, or null (then only SQLite runs).</summary>
    public static string? PostgresConnection => Environment.GetEnvironmentVariable("EGOV_TEST_POSTGRES") is { Length: > 0 } c ? c : null;

    /// <summary>"sqlite", and "postgres" when EGOV_TEST_POSTGRES is set.</summary>
    public static TheoryData<string> Kinds()
    {
        var data = new TheoryData<string> { "sqlite" };
        if (PostgresConnection is not null) data.Add("postgres");
        return data;
    }

    public static SharedStore For(string kind) => kind == "postgres" ? Postgres(PostgresConnection!) : Sqlite();

    public static SharedStore Sqlite()
    {
        var dir = Path.Combine(Path.GetTempPath(), "egov-host-tests", Guid.NewGuid().ToString("N"));
        return new SharedStore($"sqlite:{Path.Combine(dir, "egov.db")}", () =>
        {
            try { Directory.Delete(dir, true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        });
    }

    public static SharedStore Postgres(string admin)
    {
        var schema = "harden_" + Guid.NewGuid().ToString("N")[..12];
        Execute(admin, $"CREATE SCHEMA \"{schema}\"");
        return new SharedStore($"postgres:{new NpgsqlConnectionStringBuilder(admin) { SearchPath = schema }.ConnectionString}", () =>
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
