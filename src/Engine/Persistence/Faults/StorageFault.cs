using System.Net.Sockets;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace EGov.Workflows.Persistence.Faults;

/// <summary>What is wrong with the storage, in the words an operator acts on.</summary>
public enum StorageFaultKind
{
    /// <summary>The disk (or the database's size limit) is full: free space, then the node works again.</summary>
    DiskFull,
    /// <summary>The database refuses writes: a read-only file or folder, a read-only replica, a read-only mount.</summary>
    ReadOnly,
    /// <summary>The database is locked by someone else longer than the node waits (another process, a backup).</summary>
    Busy,
    /// <summary>The database cannot be reached: PostgreSQL stopped or the connection broke; the SQLite file cannot be opened.</summary>
    Unreachable,
    /// <summary>
    /// The SQLite file this node opened was deleted or replaced while it ran: writing on would write into a file
    /// nobody will ever open again, so the node refuses every write until it is restarted on the right file.
    /// </summary>
    FileReplaced,
    /// <summary>The disk answers with I/O errors, or the database file is damaged.</summary>
    IoError,
}

/// <summary>A storage failure classified: its kind, a title and a detail safe to show to any client, and when to try again.</summary>
public sealed record StorageFault(StorageFaultKind Kind, string Title, string Detail, TimeSpan RetryAfter)
{
    /// <summary>A short reason for health answers (no paths, no server messages).</summary>
    public string Reason => Kind switch
    {
        StorageFaultKind.DiskFull => "disk full",
        StorageFaultKind.ReadOnly => "database read-only",
        StorageFaultKind.Busy => "database locked",
        StorageFaultKind.Unreachable => "database unreachable",
        StorageFaultKind.FileReplaced => "database file deleted or replaced",
        _ => "storage I/O error",
    };
}

/// <summary>
/// Thrown by the store when it refuses an operation itself (the SQLite file was replaced under it): a storage fault
/// that is not a provider exception.
/// </summary>
public sealed class StoreUnavailableException(StorageFaultKind kind, string message, Exception? inner = null) : Exception(message, inner)
{
    public StorageFaultKind Kind { get; } = kind;
}

/// <summary>
/// Recognises a storage failure among the exceptions the providers throw (SQLite result codes, PostgreSQL SQLSTATEs,
/// broken connections), wherever it is wrapped (EF's DbUpdateException, an InvalidOperationException, …). Everything a
/// node cannot fix by itself and a client may retry later becomes a <see cref="StorageFault"/>; a bug stays a bug (null).
/// </summary>
public static class StorageFaults
{
    public static StorageFault? Classify(Exception? exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is AggregateException { InnerExceptions.Count: > 0 } agg)
                return agg.InnerExceptions.Select(Classify).FirstOrDefault(f => f is not null);
            if (KindOf(e) is { } kind) return For(kind);
        }
        return null;
    }

    /// <summary>True when <paramref name="exception"/> is a storage fault (the operation may work when the store answers again).</summary>
    public static bool IsStorageFault(Exception? exception) => Classify(exception) is not null;

    public static StorageFault For(StorageFaultKind kind) => kind switch
    {
        StorageFaultKind.DiskFull => new(kind, "Storage full",
            "the database's disk is full; nothing of this request was saved. Try again when an operator has freed space", TimeSpan.FromSeconds(30)),
        StorageFaultKind.ReadOnly => new(kind, "Database read-only",
            "the database refuses writes at the moment; nothing of this request was saved. Try again later", TimeSpan.FromSeconds(30)),
        StorageFaultKind.Busy => new(kind, "Database busy",
            "the database is locked by another process; nothing of this request was saved. Try again shortly", TimeSpan.FromSeconds(5)),
        StorageFaultKind.Unreachable => new(kind, "Database unreachable",
            "the database cannot be reached; nothing of this request was saved. Try again shortly", TimeSpan.FromSeconds(5)),
        StorageFaultKind.FileReplaced => new(kind, "Database file replaced",
            "the database file this server opened was deleted or replaced; it refuses every change until an operator restarts it on the right file", TimeSpan.FromSeconds(60)),
        _ => new(kind, "Storage error",
            "the database's storage reported an error; nothing of this request was saved. Try again later", TimeSpan.FromSeconds(30)),
    };

    private static StorageFaultKind? KindOf(Exception e) => e switch
    {
        StoreUnavailableException s => s.Kind,
        SqliteException s => Sqlite(s),
        PostgresException p => Postgres(p.SqlState),
        NpgsqlException n => n.InnerException is PostgresException ? null : StorageFaultKind.Unreachable, // socket, timeout, broken stream
        SocketException => StorageFaultKind.Unreachable,
        IOException io when io.HResult == 28 || io.Message.Contains("No space left", StringComparison.OrdinalIgnoreCase) => StorageFaultKind.DiskFull,
        _ => null,
    };

    // https://www.sqlite.org/rescode.html: primary result codes.
    private static StorageFaultKind? Sqlite(SqliteException s) => s.SqliteErrorCode switch
    {
        13 => StorageFaultKind.DiskFull,      // SQLITE_FULL
        8 => StorageFaultKind.ReadOnly,       // SQLITE_READONLY (also a file replaced under the connection: READONLY_DBMOVED)
        5 or 6 => StorageFaultKind.Busy,      // SQLITE_BUSY, SQLITE_LOCKED
        14 => StorageFaultKind.Unreachable,   // SQLITE_CANTOPEN
        10 or 11 or 26 => StorageFaultKind.IoError, // SQLITE_IOERR, SQLITE_CORRUPT, SQLITE_NOTADB
        _ => null,
    };

    // https://www.postgresql.org/docs/current/errcodes-appendix.html
    private static StorageFaultKind? Postgres(string state) => state switch
    {
        "53100" => StorageFaultKind.DiskFull,                          // disk_full
        "25006" => StorageFaultKind.ReadOnly,                          // read_only_sql_transaction (a standby)
        "53300" or "55P03" or "57014" => StorageFaultKind.Busy,        // too_many_connections, lock_not_available, query_canceled (statement timeout)
        "57P01" or "57P02" or "57P03" => StorageFaultKind.Unreachable, // admin/crash shutdown, cannot connect now
        "58030" => StorageFaultKind.IoError,                           // io_error
        _ when state.StartsWith("08", StringComparison.Ordinal) => StorageFaultKind.Unreachable, // connection exceptions
        _ when state.StartsWith("53", StringComparison.Ordinal) => StorageFaultKind.Busy,        // other insufficient resources (out of memory, …)
        _ => null,
    };
}
