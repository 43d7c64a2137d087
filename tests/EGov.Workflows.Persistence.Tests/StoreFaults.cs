using EGov.Workflows.Persistence;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace EGov.Workflows.Persistence.Tests;

/// <summary>
/// The fault injector of the durability tests: real faults on real databases where the database has a way to cause them
/// (SQLite's own "database or disk is full" through max_page_count, its read-only mode, an exclusive lock held by another
/// connection, the file deleted or replaced under the store; PostgreSQL connections terminated by the server).
/// </summary>
public static class StoreFaults
{
    /// <summary>The database is full: SQLite answers SQLITE_FULL for any write that needs a new page (until <see cref="Clear"/>).</summary>
    public static void FillDisk(EfRuntimeStore store) => store.SqliteCommits!.FaultPragma = "PRAGMA max_page_count = 1";

    /// <summary>The database refuses writes: SQLITE_READONLY (until <see cref="Clear"/>).</summary>
    public static void MakeReadOnly(EfRuntimeStore store) => store.SqliteCommits!.FaultPragma = "PRAGMA query_only = 1";

    /// <summary>Ends the fault: space freed, writes allowed again.</summary>
    public static void Clear(EfRuntimeStore store) =>
        store.SqliteCommits!.FaultPragma = "PRAGMA max_page_count = 4294967294; PRAGMA query_only = 0";

    /// <summary>Another process holds SQLite's write lock (a backup, a tool) until the result is disposed.</summary>
    public static IDisposable HoldWriteLock(DurableStoreOptions options)
    {
        var c = new SqliteConnection(new SqliteConnectionStringBuilder(options.ConnectionString) { Pooling = false }.ToString());
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "BEGIN EXCLUSIVE";
        cmd.ExecuteNonQuery();
        return c;
    }

    /// <summary>Deletes the database file and its WAL and shared-memory files while the store has them open.</summary>
    public static void DeleteFiles(EfRuntimeStore store)
    {
        foreach (var f in new[] { store.DatabasePath!, store.DatabasePath + "-wal", store.DatabasePath + "-shm" })
            File.Delete(f);
    }

    /// <summary>Replaces the database file by a copy of itself (a restored backup): same content, another file.</summary>
    public static void ReplaceFile(EfRuntimeStore store)
    {
        var path = store.DatabasePath!;
        File.Copy(path, path + ".copy");
        File.Delete(path);
        File.Move(path + ".copy", path);
    }

    /// <summary>PostgreSQL drops every connection of this application (as on a server restart); returns how many.</summary>
    public static int KillConnections(string adminConnection, string applicationName)
    {
        using var c = new NpgsqlConnection(adminConnection);
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = @app AND pid <> pg_backend_pid()";
        cmd.Parameters.AddWithValue("app", applicationName);
        return Convert.ToInt32(cmd.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
