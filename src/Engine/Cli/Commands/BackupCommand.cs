using EGov.Workflows.Host;
using EGov.Workflows.Persistence;
using EGov.Workflows.Persistence.Backup;

namespace EGov.Workflows.Cli.Commands;

/// <summary>
/// <c>egov backup [--store sqlite:PATH] --to FILE [--force]</c>: a consistent copy of the SQLite database while the server
/// runs (SQLite's online backup API), checked before it is put in place. PostgreSQL is backed up with its own tools
/// (pg_dump, base backups with WAL archiving): docs/operations/backup.md.
/// </summary>
public sealed class BackupCommand : ICliCommand
{
    public string Name => "backup";
    public string Summary => "copy the SQLite database consistently while the server runs (PostgreSQL: pg_dump, see docs/operations/backup.md)";
    public string Usage => "backup [--store sqlite:PATH] --to FILE [--force]";

    public int Run(IReadOnlyList<string> args, TextWriter stdout, TextWriter stderr)
    {
        var (words, options) = IdentityCommandBase.Parse(args, "--force");
        IdentityCommandBase.Only(options, "--store", "--to", "--force");
        if (words.Count > 0) throw new UsageException($"unexpected '{words[0]}'");
        if (!options.TryGetValue("--to", out var to)) throw new UsageException("--to FILE is needed (where the copy goes)");
        var path = StoreFiles.SqlitePath(options.TryGetValue("--store", out var s) ? s : ServeOptions.DefaultStore, "backup");
        try
        {
            var report = SqliteBackup.Backup(path, to, options.ContainsKey("--force"));
            stdout.WriteLine($"egov backup: {path} → {report.File}");
            stdout.WriteLine($"  {report.Bytes / 1024.0 / 1024.0:0.0} MB, schema version {report.SchemaVersion}, {report.Instances} instances, integrity ok");
            stdout.WriteLine($"  restore: ./egov restore --from {report.File} --store sqlite:{path} --force   (with the server stopped)");
            return 0;
        }
        catch (BackupRefusedException e)
        {
            stderr.WriteLine($"egov backup: {e.Message}");
            return 1;
        }
    }
}

/// <summary>The SQLite file of a <c>--store</c> for backup and restore; PostgreSQL and memory are refused with what to do instead.</summary>
internal static class StoreFiles
{
    public static string SqlitePath(string spec, string command)
    {
        spec = spec.Trim();
        if (spec == "memory") throw new UsageException("--store memory has nothing to back up or restore");
        DurableStoreOptions store;
        try { store = DurableStoreOptions.Parse(spec); }
        catch (ArgumentException e) { throw new UsageException($"--store {HostStores.Describe(spec)}: {e.Message}"); }
        if (store.Provider == StoreProvider.Postgres)
            throw new UsageException(command == "backup"
                ? "PostgreSQL is backed up with its own tools: pg_dump -Fc (a consistent dump while the servers run) or a base backup with WAL archiving (point-in-time recovery); see docs/operations/backup.md"
                : "PostgreSQL is restored with pg_restore (or a base backup); then './egov restore --check --store postgres:…' checks the schema version and migrates an older one; see docs/operations/backup.md");
        return new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(store.ConnectionString).DataSource;
    }
}
