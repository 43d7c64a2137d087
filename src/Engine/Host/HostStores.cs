using EGov.Workflows.Persistence;
using EGov.Workflows.Runtime.Store;

namespace EGov.Workflows.Host;

/// <summary>
/// Turns <c>--store</c> into a runtime store: <c>memory</c> (lost at exit), <c>sqlite:PATH</c> (one file, its folder
/// created, schema created or upgraded at start) or <c>postgres:CONNECTION</c> (many nodes over one database).
/// </summary>
public static class HostStores
{
    /// <param name="create">
    /// SQLite: create the database when the file is missing (<c>--create</c>). Without it a missing file is created only on
    /// the first start in a missing or empty folder (the banner says so); beside anything else — the WAL of a deleted
    /// database, other files — the server refuses to start instead of silently beginning again on an empty database.
    /// </param>
    public static StoreChoice Open(string spec, bool create = false)
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
        string? created = null;
        if (options.Provider == StoreProvider.Sqlite)
            created = SqliteCreation(new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(options.ConnectionString).DataSource, create);
        try
        {
            var store = new EfRuntimeStore(options);
            var where = options.Provider == StoreProvider.Sqlite
                ? $"sqlite:{new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(options.ConnectionString).DataSource}"
                : Describe(spec);
            return new StoreChoice(store, where, Durable: true, Note: SynchronousNote(options), Created: created);
        }
        catch (Exception e) when (e is Microsoft.Data.Sqlite.SqliteException or Npgsql.NpgsqlException or IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            throw new StoreOpenException($"--store {Describe(spec)}: cannot open the store: {e.Message}", e);
        }
    }

    /// <summary>
    /// Null when the SQLite file exists; the banner's words when it is to be created; throws <see cref="StoreOpenException"/>
    /// when it is missing where a database is expected.
    /// </summary>
    private static string? SqliteCreation(string path, bool create)
    {
        if (File.Exists(path)) return null;
        if (create) return "a new, empty database was created (--create)";
        var folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (folder is null || !Directory.Exists(folder) || !Directory.EnumerateFileSystemEntries(folder).Any())
            return "first start: a new, empty database was created in an empty folder";
        var beside = Directory.EnumerateFileSystemEntries(folder).Select(Path.GetFileName).Order(StringComparer.Ordinal).Take(3).ToList();
        throw new StoreOpenException(
            $"--store sqlite:{path}: the database file does not exist, but its folder does and is not empty ({string.Join(", ", beside)}{(beside.Count == 3 ? ", …" : "")}). " +
            "If the database was moved or deleted, put it back: starting on a new, empty one would hide every case. " +
            "To begin with an empty database here, start once with --create.", null);
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
public sealed record StoreChoice(IRuntimeStore Store, string Description, bool Durable, string? Note, string? Created = null);

/// <summary>The store is named right but cannot be opened (file not writable, database unreachable).</summary>
public sealed class StoreOpenException(string message, Exception? inner) : Exception(message, inner);
