using EGov.Workflows.Persistence.Data.Sql;
using Microsoft.Data.Sqlite;

namespace EGov.Workflows.Persistence.Data.Sqlite;

/// <summary>
/// One open SQLite connection with its prepared commands, kept for the store's lifetime: a statement is compiled once
/// per connection and then only rebound, and the connection's PRAGMAs are set once when it opens. Not thread-safe: a
/// session is used by one caller at a time (the writer holds a lock; readers rent from <see cref="SqliteSessionPool"/>).
/// </summary>
internal sealed class SqliteSession : IDisposable
{
    private readonly Dictionary<SqlText, SqliteCommand> _commands = new(ReferenceEqualityComparer.Instance);
    private readonly Binder _binder = new();

    public SqliteSession(DurableStoreOptions options)
    {
        Connection = new SqliteConnection(options.ConnectionString);
        Connection.Open();
        SqlitePragmas.Prepare(Connection, options);
    }

    public SqliteConnection Connection { get; }

    /// <summary>The prepared command for <paramref name="sql"/>, in <paramref name="tx"/>; bind its values on the result.</summary>
    public ISqlParams Bind(SqlText sql, SqliteTransaction? tx, out SqliteCommand command)
    {
        if (!_commands.TryGetValue(sql, out command!))
        {
            command = Connection.CreateCommand();
            command.CommandText = sql.Sqlite;
            _commands.Add(sql, command);
        }
        command.Transaction = tx;
        _binder.Start(command);
        return _binder;
    }

    public void Dispose()
    {
        foreach (var c in _commands.Values) c.Dispose();
        _commands.Clear();
        Connection.Dispose();
    }

    /// <summary>Sets @p0, @p1, … in order, reusing the command's parameter objects.</summary>
    private sealed class Binder : ISqlParams
    {
        private static readonly object True = 1L, False = 0L;
        private SqliteParameterCollection _parameters = null!;
        private int _next;

        public void Start(SqliteCommand command)
        {
            _parameters = command.Parameters;
            _next = 0;
        }

        private ISqlParams Set(object value)
        {
            var i = _next++;
            if (i < _parameters.Count) _parameters[i].Value = value;
            else _parameters.Add(new SqliteParameter("@p" + i.ToString(System.Globalization.CultureInfo.InvariantCulture), value));
            return this;
        }

        public ISqlParams Text(string? value) => Set(value ?? (object)DBNull.Value);
        public ISqlParams Int(int value) => Set(value);
        public ISqlParams Long(long value) => Set(value);
        public ISqlParams Long(long? value) => Set(value is { } v ? v : DBNull.Value);
        public ISqlParams Bool(bool value) => Set(value ? True : False);
    }
}

/// <summary>The per-connection settings every store connection needs (EF's connections and the sessions alike).</summary>
internal static class SqlitePragmas
{
    /// <summary>
    /// Wait for the write lock instead of failing at once, sync as the store says, and cut a WAL that starts over back
    /// to the store's limit (<c>journal_size_limit</c>; SQLite otherwise leaves the file at its largest size).
    /// </summary>
    public static string For(DurableStoreOptions store) =>
        $"PRAGMA busy_timeout={(int)store.BusyTimeout.TotalMilliseconds}; PRAGMA synchronous={(store.Synchronous == SqliteSynchronous.Full ? "FULL" : "NORMAL")}; PRAGMA journal_size_limit={store.WalSizeLimit};";

    /// <summary>
    /// An open connection of its own to the store (the side stores: Postkorb, catalogue): a new PostgreSQL connection
    /// from the pool, or a SQLite connection with the pragmas above.
    /// </summary>
    public static System.Data.Common.DbConnection Open(DurableStoreOptions store)
    {
        System.Data.Common.DbConnection c = store.Provider == StoreProvider.Sqlite
            ? new Microsoft.Data.Sqlite.SqliteConnection(store.ConnectionString)
            : new Npgsql.NpgsqlConnection(store.ConnectionString);
        c.Open();
        if (c is SqliteConnection sqlite) Prepare(sqlite, store);
        return c;
    }

    /// <summary>
    /// Readies a store connection: the PRAGMAs above, and a <c>lower()</c> that lowers every letter, not only ASCII ones
    /// (SQLite's own leaves Ä, Ö, Ü as they are). The searches of the Postkorb, the Adressbuch and Mobilfunk compare
    /// <c>lower(column) LIKE lower(text)</c>: with SQLite's own, "änderung" would not find "Änderung" — PostgreSQL
    /// (a UTF-8 locale) and the in-memory stores lower every letter, and so does SQLite now. Deterministic, as SQLite's is.
    /// </summary>
    public static void Prepare(SqliteConnection connection, DurableStoreOptions store)
    {
        ArgumentNullException.ThrowIfNull(connection);
        using (var p = connection.CreateCommand())
        {
            p.CommandText = For(store);
            p.ExecuteNonQuery();
        }
        connection.CreateFunction("lower", (object? value) => value is string text ? text.ToLowerInvariant() : value, isDeterministic: true);
    }
}
