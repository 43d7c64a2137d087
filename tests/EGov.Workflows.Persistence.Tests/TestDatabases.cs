using EGov.Workflows.Persistence;
using Npgsql;

namespace EGov.Workflows.Persistence.Tests;

/// <summary>The databases a test can run on: SQLite always, PostgreSQL when EGOV_TEST_POSTGRES names one.</summary>
public static class TestDatabases
{
    public const string PostgresVariable = "EGOV_TEST_POSTGRES";

    public static string? PostgresConnection => Environment.GetEnvironmentVariable(PostgresVariable) is { Length: > 0 } c ? c : null;

    /// <summary>The providers for a <c>[Theory]</c>: sqlite, and postgres when it is configured.</summary>
    public static TheoryData<string> Providers()
    {
        var data = new TheoryData<string> { "sqlite" };
        if (PostgresConnection is not null) data.Add("postgres");
        return data;
    }

    /// <summary>A fresh, empty database: a temp SQLite file, or a new PostgreSQL schema (dropped on dispose).</summary>
    public static TestDatabase Create(string provider) => provider switch
    {
        "sqlite" => TestDatabase.Sqlite(),
        "postgres" => TestDatabase.Postgres(PostgresConnection ?? throw new InvalidOperationException($"{PostgresVariable} is not set")),
        _ => throw new ArgumentException(provider, nameof(provider)),
    };
}

public sealed class TestDatabase : IDisposable
{
    private readonly Action _drop;
    private readonly List<EfRuntimeStore> _stores = [];

    private TestDatabase(DurableStoreOptions options, Action drop)
    {
        Options = options;
        _drop = drop;
    }

    public DurableStoreOptions Options { get; }

    public static TestDatabase Sqlite()
    {
        var dir = Path.Combine(Path.GetTempPath(), "egov-persistence-tests", Guid.NewGuid().ToString("N"));
        return new TestDatabase(DurableStoreOptions.Sqlite(Path.Combine(dir, "egov.db")), () =>
        {
            try { Directory.Delete(dir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        });
    }

    public static TestDatabase Postgres(string connection)
    {
        var schema = "t_" + Guid.NewGuid().ToString("N")[..16];
        return new TestDatabase(DurableStoreOptions.Postgres(connection, schema), () =>
        {
            using var c = new NpgsqlConnection(connection);
            c.Open();
            using var cmd = c.CreateCommand();
            cmd.CommandText = $"DROP SCHEMA IF EXISTS \"{schema}\" CASCADE";
            cmd.ExecuteNonQuery();
        });
    }

    /// <summary>A store on this database (schema created or upgraded); disposed with the database.</summary>
    public EfRuntimeStore OpenStore()
    {
        var s = new EfRuntimeStore(Options);
        _stores.Add(s);
        return s;
    }

    public void Dispose()
    {
        foreach (var s in _stores) s.Dispose();
        _drop();
    }
}

/// <summary>A fact that needs a real PostgreSQL: skipped, with the reason, unless EGOV_TEST_POSTGRES is set.</summary>
public sealed class PostgresFactAttribute : FactAttribute
{
    public PostgresFactAttribute()
    {
        if (TestDatabases.PostgresConnection is null)
            Skip = $"needs PostgreSQL: set {TestDatabases.PostgresVariable} (scripts/postgres.sh start writes it)";
    }
}
