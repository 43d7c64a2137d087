using System.Runtime.InteropServices;
using EGov.Workflows.Persistence.Faults;

namespace EGov.Workflows.Persistence.Data.Sqlite;

/// <summary>
/// Makes sure the SQLite file a node writes is the one it opened. An open connection keeps writing into a file that was
/// deleted (or renamed away and replaced by another) — every answer a 2xx, nothing of it ever read again; and a restart
/// would then start on an empty database. The guard remembers the file's identity (device and inode on Linux and macOS,
/// the path's existence elsewhere, where an open file cannot be deleted) and compares before writes; once the file is gone
/// or another, the guard trips for good: every write is refused with <see cref="StorageFaultKind.FileReplaced"/> until the
/// node is restarted, and health reports it.
/// </summary>
internal sealed class SqliteFileGuard
{
    private readonly string _path;
    private readonly (ulong Device, ulong Inode)? _identity;
    private volatile string? _tripped;

    public SqliteFileGuard(string path)
    {
        _path = path;
        _identity = Identify(path);
    }

    /// <summary>Why the guard tripped (null while the file is the one opened).</summary>
    public string? Tripped => _tripped;

    /// <summary>Compares the file with the one opened; false (and tripped for good) when it was deleted or replaced.</summary>
    public bool Verify()
    {
        if (_tripped is not null) return false;
        string? problem = null;
        if (!File.Exists(_path)) problem = $"the database file {_path} was deleted while the server ran";
        else if (_identity is { } opened && Identify(_path) is { } now && now != opened)
            problem = $"the database file {_path} was replaced by another file while the server ran";
        if (problem is null) return true;
        _tripped = problem;
        return false;
    }

    /// <summary>Throws <see cref="StoreUnavailableException"/> unless the file is the one opened.</summary>
    public void Check()
    {
        if (!Verify()) throw new StoreUnavailableException(StorageFaultKind.FileReplaced, _tripped + "; restart the server on the right file");
    }

    /// <summary>Device and inode of the file, or null where the platform gives none (then existence is all that is checked).</summary>
    private static (ulong, ulong)? Identify(string path)
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS()) return null;
        var buf = new byte[512]; // larger than struct stat on every supported platform
        try
        {
            if (Native.Stat(path, buf) != 0) return null;
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
            return null; // a C library without the stat symbol (glibc before 2.33): existence only
        }
        // Linux (x64, arm64): dev_t st_dev (8 bytes), ino_t st_ino (8). macOS: dev_t st_dev (4), mode (2), nlink (2), ino_t st_ino (8).
        return OperatingSystem.IsLinux()
            ? (BitConverter.ToUInt64(buf, 0), BitConverter.ToUInt64(buf, 8))
            : (BitConverter.ToUInt32(buf, 0), BitConverter.ToUInt64(buf, 8));
    }

    private static class Native
    {
#pragma warning disable SYSLIB1054, CA5392, CA2101 // a plain libc call; the path is UTF-8 on Unix
        [DllImport("libc", EntryPoint = "stat", SetLastError = true, CharSet = CharSet.Ansi, BestFitMapping = false)]
        public static extern int Stat(string path, [Out] byte[] buffer);
#pragma warning restore SYSLIB1054, CA5392, CA2101
    }
}
