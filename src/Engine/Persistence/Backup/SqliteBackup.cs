using System.Globalization;
using EGov.Workflows.Persistence.Schema;
using Microsoft.Data.Sqlite;

namespace EGov.Workflows.Persistence.Backup;

/// <summary>What a backup or a restore did: the file, its size, its schema versions and the instances in it.</summary>
public sealed record BackupReport(string File, long Bytes, int SchemaVersion, long Instances, IReadOnlyList<int> Migrated);

/// <summary>A backup or restore that is refused (the message says why and what to do); nothing was changed.</summary>
public sealed class BackupRefusedException(string message) : Exception(message);

/// <summary>
/// Backup and restore of a SQLite store with SQLite's online backup API (<c>sqlite3_backup</c>, Microsoft.Data.Sqlite's
/// <see cref="SqliteConnection.BackupDatabase(SqliteConnection)"/>): the pages are copied in one step under one read
/// transaction, so the copy is the database as of one commit — every command committed before the backup began is in it,
/// none half — while the server goes on writing (WAL: readers never block the writer). The copy is written to a
/// temporary file beside the target, checked (<c>PRAGMA integrity_check</c>) and only then renamed into place.
/// A restore refuses a database file in use (a server has it open), overwrites an existing one only when asked, refuses a
/// backup made by a newer build (schema versions this build does not know) and migrates an older one.
/// </summary>
public static class SqliteBackup
{
    /// <summary>Copies the live database <paramref name="sourcePath"/> to <paramref name="to"/> (refused when it exists, unless <paramref name="force"/>).</summary>
    public static BackupReport Backup(string sourcePath, string to, bool force = false)
    {
        ArgumentException.ThrowIfNullOrEmpty(sourcePath);
        ArgumentException.ThrowIfNullOrEmpty(to);
        var source = Path.GetFullPath(sourcePath);
        var target = Path.GetFullPath(to);
        if (!File.Exists(source)) throw new BackupRefusedException($"{sourcePath}: no such database file");
        if (string.Equals(source, target, StringComparison.Ordinal)) throw new BackupRefusedException("--to names the database itself; choose another file");
        if (File.Exists(target) && !force) throw new BackupRefusedException($"{to} exists; choose another file or add --force to replace it");
        if (Path.GetDirectoryName(target) is { } dir) Directory.CreateDirectory(dir);
        var temporary = target + $".part-{Environment.ProcessId}";
        try
        {
            using (var from = Open(source, SqliteOpenMode.ReadOnly))
            using (var copy = Open(temporary, SqliteOpenMode.ReadWriteCreate))
            {
                Exec(from, $"PRAGMA busy_timeout=30000;");
                from.BackupDatabase(copy); // one sqlite3_backup_step(-1): every page under one read transaction
                // The copy is a single file: no WAL beside it, so it can be moved, archived and opened read-only.
                Exec(copy, "PRAGMA journal_mode=DELETE;");
            }
            var report = Check(temporary, target);
            File.Move(temporary, target, overwrite: true);
            return report with { File = target };
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            foreach (var f in new[] { temporary, temporary + "-journal", temporary + "-wal", temporary + "-shm" })
                if (File.Exists(f)) File.Delete(f);
        }
    }

    /// <summary>
    /// Restores the backup <paramref name="from"/> into the store's file <paramref name="targetPath"/>: refused while a server
    /// has that file open, and when it exists unless <paramref name="force"/>; a backup of a newer build is refused, an older one
    /// is migrated to this build's schema.
    /// </summary>
    public static BackupReport Restore(string from, string targetPath, bool force = false)
    {
        ArgumentException.ThrowIfNullOrEmpty(from);
        ArgumentException.ThrowIfNullOrEmpty(targetPath);
        var source = Path.GetFullPath(from);
        var target = Path.GetFullPath(targetPath);
        if (!File.Exists(source)) throw new BackupRefusedException($"{from}: no such backup file");
        if (string.Equals(source, target, StringComparison.Ordinal)) throw new BackupRefusedException("--from and --store name the same file");
        var versions = ReadVersions(source, from);
        if (SchemaTooNewException.Check(versions, StoreProvider.Sqlite) is { } tooNew)
            throw new BackupRefusedException($"{from}: the backup was made by a newer build (schema version {string.Join(", ", tooNew.Unknown)}; this build knows up to {tooNew.Latest}). Restore it with that build.");
        if (InUse(target))
            throw new BackupRefusedException($"{targetPath} is in use (a server or another program has it open); stop the server first, then restore");
        if (File.Exists(target) && !force)
            throw new BackupRefusedException($"{targetPath} exists; restoring replaces every case in it — add --force to do so (take a backup of it first)");
        if (Path.GetDirectoryName(target) is { } dir) Directory.CreateDirectory(dir);

        var temporary = target + $".restore-{Environment.ProcessId}";
        try
        {
            using (var backup = Open(source, SqliteOpenMode.ReadOnly))
            using (var copy = Open(temporary, SqliteOpenMode.ReadWriteCreate))
                backup.BackupDatabase(copy);
            SqliteConnection.ClearAllPools();
            // Opened once as the server opens it: the migrator applies the missing versions, and the store rebuilds what a
            // migration asks it to (the Postkorb's index of an old database).
            using (new EfRuntimeStore(DurableStoreOptions.Sqlite(temporary))) { }
            SqliteConnection.ClearAllPools();
            var migrated = ReadVersions(temporary, from).Except(versions).ToList();
            Exec(temporary, "PRAGMA wal_checkpoint(TRUNCATE);");
            var report = Check(temporary, target) with { Migrated = migrated };
            // The old database's WAL and shared-memory file belong to the replaced file: left beside the new one, SQLite would
            // replay the old log onto it. Nobody has the file open (checked above), so they are removed before the move.
            foreach (var f in new[] { target + "-wal", target + "-shm", target + "-journal" })
                if (File.Exists(f)) File.Delete(f);
            File.Move(temporary, target, overwrite: true);
            return report with { File = target };
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            foreach (var f in new[] { temporary, temporary + "-journal", temporary + "-wal", temporary + "-shm" })
                if (File.Exists(f)) File.Delete(f);
        }
    }

    /// <summary>
    /// True when another process has the database open in WAL mode: each such connection holds a shared lock on the
    /// "dead man switch" byte of the <c>-shm</c> file (offset 128 on Unix, SQLite's <c>UNIX_SHM_DMS</c>), so an exclusive
    /// lock on it fails. No <c>-shm</c> file: nobody has it open.
    /// </summary>
    public static bool InUse(string databasePath)
    {
        var shm = Path.GetFullPath(databasePath) + "-shm";
        if (!File.Exists(shm) || OperatingSystem.IsMacOS()) return false; // macOS: no byte-range locks in .NET; the server must be stopped by hand
        try
        {
            using var stream = new FileStream(shm, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete);
            stream.Lock(128, 1);
            stream.Unlock(128, 1);
            return false;
        }
        catch (IOException) { return true; }
        catch (UnauthorizedAccessException) { return true; }
        catch (PlatformNotSupportedException) { return false; }
    }

    /// <summary>The schema versions a database file records (refused when it is not an engine database).</summary>
    public static IReadOnlyList<int> ReadVersions(string path, string shown)
    {
        try
        {
            using var conn = Open(path, SqliteOpenMode.ReadOnly);
            using var q = conn.CreateCommand();
            q.CommandText = "SELECT version FROM schema_version ORDER BY version";
            var list = new List<int>();
            using var r = q.ExecuteReader();
            while (r.Read()) list.Add(r.GetInt32(0));
            return list.Count > 0 ? list : throw new BackupRefusedException($"{shown}: not a database of this engine (schema_version is empty)");
        }
        catch (SqliteException e)
        {
            throw new BackupRefusedException($"{shown}: not a database of this engine ({e.Message})");
        }
        finally { SqliteConnection.ClearAllPools(); }
    }

    /// <summary>Integrity check of a copy, its newest schema version and its number of instances.</summary>
    private static BackupReport Check(string path, string shown)
    {
        using var conn = Open(path, SqliteOpenMode.ReadOnly);
        var integrity = Scalar(conn, "PRAGMA integrity_check;");
        if (!string.Equals(integrity, "ok", StringComparison.Ordinal))
            throw new BackupRefusedException($"{shown}: the copy fails SQLite's integrity check ({integrity}); nothing was written");
        var version = int.Parse(Scalar(conn, "SELECT COALESCE(MAX(version), 0) FROM schema_version;"), CultureInfo.InvariantCulture);
        var instances = long.Parse(Scalar(conn, "SELECT COUNT(*) FROM instances;"), CultureInfo.InvariantCulture);
        return new BackupReport(shown, new FileInfo(path).Length, version, instances, []);
    }

    private static string NoPool(string path, SqliteOpenMode mode) =>
        new SqliteConnectionStringBuilder { DataSource = path, Mode = mode, Pooling = false, DefaultTimeout = 30 }.ToString();

    private static SqliteConnection Open(string path, SqliteOpenMode mode)
    {
        var conn = new SqliteConnection(NoPool(path, mode));
        conn.Open();
        return conn;
    }

    private static void Exec(string path, string sql)
    {
        using var conn = Open(path, SqliteOpenMode.ReadWrite);
        Exec(conn, sql);
    }

    private static void Exec(SqliteConnection conn, string sql)
    {
        using var cmd = conn.CreateCommand();
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }

    private static string Scalar(SqliteConnection conn, string sql)
    {
        using var cmd = conn.CreateCommand();
        cmd.CommandText = sql;
        return Convert.ToString(cmd.ExecuteScalar(), CultureInfo.InvariantCulture) ?? "";
    }
}
