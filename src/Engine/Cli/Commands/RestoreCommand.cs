using EGov.Workflows.Host;
using EGov.Workflows.Persistence;
using EGov.Workflows.Persistence.Backup;
using EGov.Workflows.Persistence.Schema;

namespace EGov.Workflows.Cli.Commands;

/// <summary>
/// <c>egov restore --from FILE [--store sqlite:PATH] [--force]</c>: puts a backup in place of the store's database — refused
/// while a server has it open, over an existing database only with <c>--force</c>, and for a backup of a newer build; an older
/// backup is migrated. <c>egov restore --check --store postgres:…</c> checks a database restored with pg_restore the same way.
/// </summary>
public sealed class RestoreCommand : ICliCommand
{
    public string Name => "restore";
    public string Summary => "restore a backup into the store's SQLite file (server stopped); --check a PostgreSQL database after pg_restore";
    public string Usage => "restore --from FILE [--store sqlite:PATH] [--force]  |  restore --check --store postgres:CONNECTION";

    public int Run(IReadOnlyList<string> args, TextWriter stdout, TextWriter stderr)
    {
        var (words, options) = IdentityCommandBase.Parse(args, "--force", "--check");
        IdentityCommandBase.Only(options, "--store", "--from", "--force", "--check");
        if (words.Count > 0) throw new UsageException($"unexpected '{words[0]}'");
        var spec = options.TryGetValue("--store", out var s) ? s : ServeOptions.DefaultStore;
        if (options.ContainsKey("--check")) return Check(spec, stdout, stderr);
        if (!options.TryGetValue("--from", out var from)) throw new UsageException("--from FILE is needed (the backup to restore)");
        var path = StoreFiles.SqlitePath(spec, "restore");
        try
        {
            var report = SqliteBackup.Restore(from, path, options.ContainsKey("--force"));
            stdout.WriteLine($"egov restore: {from} → {report.File}");
            stdout.WriteLine($"  schema version {report.SchemaVersion}{(report.Migrated.Count > 0 ? $" (migrated: {string.Join(", ", report.Migrated)})" : "")}, {report.Instances} instances, integrity ok");
            return 0;
        }
        catch (BackupRefusedException e)
        {
            stderr.WriteLine($"egov restore: {e.Message}");
            return 1;
        }
    }

    /// <summary>A database restored by other means (pg_restore): refused when newer than this build, migrated when older.</summary>
    private static int Check(string spec, TextWriter stdout, TextWriter stderr)
    {
        DurableStoreOptions store;
        try { store = DurableStoreOptions.Parse(spec.Trim()); }
        catch (ArgumentException e) { throw new UsageException($"--store {HostStores.Describe(spec)}: {e.Message}"); }
        try
        {
            IReadOnlyList<int> before;
            try { before = SchemaMigrator.AppliedVersions(store); }
            catch (System.Data.Common.DbException e) { stderr.WriteLine($"egov restore --check: {HostStores.Describe(spec)}: not a database of this engine ({e.Message})"); return 1; }
            if (SchemaTooNewException.Check(before, store.Provider) is { } tooNew) throw tooNew;
            using (new EfRuntimeStore(store)) { } // as a server opens it: migrates, and rebuilds what a migration asks for
            var applied = SchemaMigrator.AppliedVersions(store).Except(before).ToList();
            stdout.WriteLine($"egov restore --check: {HostStores.Describe(spec)}: schema version {SchemaMigrator.LatestVersion(store.Provider)}{(applied.Count > 0 ? $" (migrated: {string.Join(", ", applied)})" : " (current)")}");
            return 0;
        }
        catch (SchemaTooNewException e)
        {
            stderr.WriteLine($"egov restore --check: {e.Message}");
            return 1;
        }
    }
}
