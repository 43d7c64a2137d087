using System.Diagnostics;
using System.Globalization;

namespace EGov.Workflows.Reliability.Tests;

/// <summary>
/// A small disk of its own for one fault test: a size-limited tmpfs mounted on a folder, which the test fills to the last
/// byte or remounts read-only from outside the server — what an operator's full volume or a volume remounted read-only
/// does to a running or starting node. Mounting needs root (or CAP_SYS_ADMIN); <see cref="SmallDiskFactAttribute"/>
/// skips the test with the reason where the machine does not allow it.
/// </summary>
public sealed class SmallDisk : IDisposable
{
    private readonly List<string> _fillers = [];

    private SmallDisk(string path) => Path = path;

    /// <summary>The mounted folder.</summary>
    public string Path { get; }

    /// <summary>Why no small disk can be mounted here (null: it can).</summary>
    public static string? Unavailable { get; } = Probe();

    /// <summary>Mounts a tmpfs of <paramref name="megabytes"/> on <paramref name="path"/> (created when missing).</summary>
    public static SmallDisk Mount(string path, int megabytes)
    {
        Directory.CreateDirectory(path);
        Run("mount", "-t", "tmpfs", "-o", $"size={megabytes.ToString(CultureInfo.InvariantCulture)}m,mode=0755", "egov-fault", path);
        return new SmallDisk(path);
    }

    /// <summary>Writes filler files until the disk refuses with "no space left"; answers the bytes written.</summary>
    public long Fill()
    {
        long written = 0;
        foreach (var chunk in new[] { 1 << 20, 64 << 10, 4 << 10, 512 })
        {
            var file = System.IO.Path.Combine(Path, $"fueller-{_fillers.Count}");
            _fillers.Add(file);
            var block = new byte[chunk];
            try
            {
                using var stream = new FileStream(file, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.WriteThrough);
                while (true)
                {
                    stream.Write(block);
                    stream.Flush();
                    written += chunk;
                }
            }
            catch (IOException) { } // ENOSPC: this chunk size no longer fits, try a smaller one
        }
        return written;
    }

    /// <summary>Deletes the filler files: the space is back.</summary>
    public void Free()
    {
        foreach (var f in _fillers) File.Delete(f);
        _fillers.Clear();
    }

    /// <summary>
    /// Remounts the disk read-only. The kernel refuses (busy) while any process has a file on it open for writing, as a
    /// running SQLite node has — so this models the volume that comes back read-only under a node that starts on it.
    /// </summary>
    public void RemountReadOnly() => Run("mount", "-o", "remount,ro", Path);

    public void RemountWritable() => Run("mount", "-o", "remount,rw", Path);

    public void Dispose()
    {
        try { Run("umount", "-l", Path); } catch (InvalidOperationException) { } // already gone: nothing to undo
    }

    private static string? Probe()
    {
        if (!OperatingSystem.IsLinux()) return "a tmpfs mount needs Linux";
        var path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"egov-smalldisk-{Guid.NewGuid():N}");
        try
        {
            using (Mount(path, 1)) { }
            return null;
        }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            return $"no tmpfs can be mounted here (needs root or CAP_SYS_ADMIN): {e.Message}";
        }
        finally
        {
            try { Directory.Delete(path); } catch (IOException) { }
        }
    }

    private static void Run(string command, params string[] args)
    {
        var info = new ProcessStartInfo(command) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var a in args) info.ArgumentList.Add(a);
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"{command} did not start");
        var error = process.StandardError.ReadToEnd();
        process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0) throw new InvalidOperationException($"{command} {string.Join(' ', args)}: exit {process.ExitCode}: {error.Trim()}");
    }
}

/// <summary>A fact that needs a <see cref="SmallDisk"/>: skipped with the reason where none can be mounted.</summary>
public sealed class SmallDiskFactAttribute : FactAttribute
{
    public SmallDiskFactAttribute()
    {
        if (SmallDisk.Unavailable is { } why) Skip = why;
    }
}
