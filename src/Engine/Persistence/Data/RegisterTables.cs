using System.Data.Common;
using System.Globalization;
using EGov.Workflows.Persistence.Data.Sqlite;
using NodaTime;

namespace EGov.Workflows.Persistence.Data;

/// <summary>
/// Plain SQL over a domain register's own tables (Ratsinfo, Reservierungen, Adressbuch): one connection per call, positional
/// parameters (<c>@p0</c>, <c>@p1</c>, …), and foreign keys switched on for SQLite, where they are off unless asked for
/// per connection. The register's rules are its tables' constraints, so a write they refuse becomes the register's own
/// exception through <paramref name="refusal"/> (null: the error is something else and is thrown as it is).
/// </summary>
internal sealed class RegisterTables(DurableStoreOptions options, Func<DbException, Exception?> refusal)
{
    public DbConnection Open()
    {
        var c = SqlitePragmas.Open(options);
        if (options.Provider == StoreProvider.Sqlite)
        {
            using var fk = c.CreateCommand();
            fk.CommandText = "PRAGMA foreign_keys = ON";
            fk.ExecuteNonQuery();
        }
        return c;
    }

    // A null goes without a type: PostgreSQL takes the column's (a text-typed null refused optional bigint columns);
    // the optional filters CAST their parameter, so they need none either.
    public static DbCommand Command(DbConnection c, string sql, object?[] values) => PositionalCommand.Create(c, sql, null, values);

    /// <summary>Runs one statement on its own connection; the number of rows it changed.</summary>
    public int Execute(string sql, params object?[] values)
    {
        using var c = Open();
        using var cmd = Command(c, sql, values);
        try { return cmd.ExecuteNonQuery(); }
        catch (DbException e) when (refusal(e) is { } why) { throw why; }
    }

    public List<T> Query<T>(string sql, Func<DbDataReader, T> read, params object?[] values)
    {
        using var c = Open();
        using var cmd = Command(c, sql, values);
        using var r = cmd.ExecuteReader();
        var items = new List<T>();
        while (r.Read()) items.Add(read(r));
        return items;
    }

    public int Count(string sql, params object?[] values) =>
        Query(sql, r => Convert.ToInt32(r.GetValue(0), CultureInfo.InvariantCulture), values)[0];

    /// <summary>Runs one statement on an open connection, inside <paramref name="tx"/> when given; the number of rows it changed.</summary>
    public static int Execute(DbConnection c, DbTransaction? tx, string sql, params object?[] values)
    {
        using var cmd = Command(c, sql, values);
        cmd.Transaction = tx;
        return cmd.ExecuteNonQuery();
    }

    /// <summary>Reads rows on an open connection, inside <paramref name="tx"/> when given.</summary>
    public static List<T> Query<T>(DbConnection c, DbTransaction? tx, string sql, Func<DbDataReader, T> read, params object?[] values)
    {
        using var cmd = Command(c, sql, values);
        cmd.Transaction = tx;
        using var r = cmd.ExecuteReader();
        var items = new List<T>();
        while (r.Read()) items.Add(read(r));
        return items;
    }
}

/// <summary>Reading a register row's cells the same way on SQLite (integers, text) and PostgreSQL (bigint, text).</summary>
internal static class RegisterCells
{
    public static string? S(DbDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);
    public static long L(DbDataReader r, int i) => Convert.ToInt64(r.GetValue(i), CultureInfo.InvariantCulture);
    public static Instant? T(DbDataReader r, int i) => r.IsDBNull(i) ? null : Ticks.At(L(r, i));
    public static long Flag(bool b) => b ? 1L : 0L;
}
