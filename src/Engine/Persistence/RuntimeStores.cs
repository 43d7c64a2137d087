using EGov.Workflows.Runtime.Store;

namespace EGov.Workflows.Persistence;

/// <summary>The one place that turns a store's name into a store: <c>memory</c>, <c>sqlite:PATH</c> (or <c>sqlite</c> for
/// <c>./data/egov.db</c>), <c>postgres:CONNECTION</c>. Used by <c>./egov serve --store</c> and <c>./egov test --store</c>.</summary>
public static class RuntimeStores
{
    /// <summary>A store for <paramref name="spec"/>; a durable one has its schema created or upgraded. Dispose it when done.</summary>
    public static IRuntimeStore Create(string spec)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(spec);
        return spec.Trim() == "memory" ? new InMemoryRuntimeStore() : new EfRuntimeStore(DurableStoreOptions.Parse(spec));
    }
}

/// <summary>
/// A fresh, empty store per scenario for <c>./egov test --store memory|sqlite|postgres</c>: a temp SQLite file, or a new
/// PostgreSQL schema in the database of <c>EGOV_TEST_POSTGRES</c> (or <c>postgres:CONNECTION</c>). Scenarios run one
/// after another: <see cref="Next"/> drops the previous store; <see cref="Dispose"/> drops the last one.
/// </summary>
public sealed class ScenarioStores : IDisposable
{
    public const string PostgresVariable = "EGOV_TEST_POSTGRES";

    private readonly string _kind;
    private readonly string? _postgres;
    private readonly string _tempDir;
    private (IRuntimeStore Store, Action Drop)? _current;
    private int _count;

    public ScenarioStores(string kind)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(kind);
        kind = kind.Trim();
        if (kind.StartsWith("postgres:", StringComparison.Ordinal) || kind.StartsWith("postgresql:", StringComparison.Ordinal))
        {
            _postgres = kind[(kind.IndexOf(':', StringComparison.Ordinal) + 1)..];
            kind = "postgres";
        }
        else if (kind is "postgres" or "postgresql")
        {
            _postgres = Environment.GetEnvironmentVariable(PostgresVariable) is { Length: > 0 } c ? c
                : throw new ArgumentException($"--store postgres needs a database: set {PostgresVariable} (scripts/postgres.sh start prints it) or say postgres:CONNECTION");
            kind = "postgres";
        }
        else if (kind is not ("memory" or "sqlite"))
            throw new ArgumentException($"unknown store '{kind}'; known: memory, sqlite, postgres, postgres:CONNECTION");
        _kind = kind;
        _tempDir = Path.Combine(Path.GetTempPath(), $"egov-test-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..8]}");
    }

    /// <summary>The store kind: memory, sqlite or postgres.</summary>
    public string Kind => _kind;

    /// <summary>A new empty store; the previous one is dropped.</summary>
    public IRuntimeStore Next()
    {
        DropCurrent();
        var n = ++_count;
        switch (_kind)
        {
            case "memory":
                _current = (new InMemoryRuntimeStore(), () => { });
                break;
            case "sqlite":
            {
                var file = Path.Combine(_tempDir, $"scenario-{n}.db");
                var store = new EfRuntimeStore(DurableStoreOptions.Sqlite(file));
                _current = (store, () =>
                {
                    store.Dispose();
                    foreach (var f in new[] { file, file + "-wal", file + "-shm" })
                        try { File.Delete(f); } catch (IOException) { } catch (UnauthorizedAccessException) { }
                });
                break;
            }
            default:
            {
                var schema = $"egov_scenario_{Environment.ProcessId}_{n}_{Guid.NewGuid().ToString("N")[..6]}";
                var options = DurableStoreOptions.Postgres(_postgres!, schema);
                var store = new EfRuntimeStore(options);
                _current = (store, () =>
                {
                    store.Dispose();
                    try { Schema.SchemaMigrator.DropSchema(_postgres!, schema); }
                    catch (Exception e) when (e is Npgsql.NpgsqlException or InvalidOperationException) { }
                });
                break;
            }
        }
        return _current.Value.Store;
    }

    private void DropCurrent()
    {
        if (_current is { } c) c.Drop();
        _current = null;
    }

    public void Dispose()
    {
        DropCurrent();
        try { if (Directory.Exists(_tempDir)) Directory.Delete(_tempDir, recursive: true); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}
