using EGov.Workflows.Persistence;
using EGov.Workflows.Runtime.Store;

namespace EGov.Workflows.Host;

/// <summary>
/// Turns <c>--store</c> into a runtime store: <c>memory</c> (lost at exit), <c>sqlite:PATH</c> (one file, its folder
/// created, schema created or upgraded at start) or <c>postgres:CONNECTION</c> (many nodes over one database).
/// </summary>
public static class HostStores
{
    public static StoreChoice Open(string spec)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(spec);
        spec = spec.Trim();
        if (spec == "memory")
            return new StoreChoice(new InMemoryRuntimeStore(), "memory", Durable: false, Note: "state is kept in memory and lost when the server stops");
        var kind = spec.Split(':', 2)[0].ToLowerInvariant();
        if (kind is not ("sqlite" or "postgres" or "postgresql"))
            throw new ArgumentException($"--store '{spec}': expected memory, sqlite:PATH or postgres:CONNECTION");
        DurableStoreOptions options;
        try { options = DurableStoreOptions.Parse(spec); }
        catch (ArgumentException e) { throw new ArgumentException($"--store {Describe(spec)}: {e.Message}", e); }
        try
        {
            var store = new EfRuntimeStore(options);
            var where = options.Provider == StoreProvider.Sqlite
                ? $"sqlite:{new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(options.ConnectionString).DataSource}"
                : Describe(spec);
            return new StoreChoice(store, where, Durable: true, Note: SynchronousNote(options));
        }
        catch (Exception e) when (e is Microsoft.Data.Sqlite.SqliteException or Npgsql.NpgsqlException or IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            throw new StoreOpenException($"--store {Describe(spec)}: cannot open the store: {e.Message}", e);
        }
    }

    // The banner says what a commit survives, so the SQLite default's trade-off is never silent.
    private static string? SynchronousNote(DurableStoreOptions options) =>
        options.Provider != StoreProvider.Sqlite ? null
        : options.Synchronous == SqliteSynchronous.Full ? "synchronous=full: every commit is on the disk before it returns"
        : "synchronous=normal: a commit survives a crash of the server; a power loss may undo the last ones (?synchronous=full waits for the disk)";

    /// <summary>The store spec without a PostgreSQL password, for printing.</summary>
    public static string Describe(string spec) =>
        spec.StartsWith("postgres", StringComparison.OrdinalIgnoreCase)
            ? System.Text.RegularExpressions.Regex.Replace(spec, "(?i)(password|pwd)=[^;]*", "$1=***")
            : spec;
}

/// <summary>The store the server runs on, how to print it, and a note for the start banner (data loss in memory).</summary>
public sealed record StoreChoice(IRuntimeStore Store, string Description, bool Durable, string? Note);

/// <summary>The store is named right but cannot be opened (file not writable, database unreachable).</summary>
public sealed class StoreOpenException(string message, Exception inner) : Exception(message, inner);
