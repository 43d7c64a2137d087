using EGov.Workflows.Persistence.Schema;

namespace EGov.Workflows.Persistence.Tests;

public sealed class SchemaMigrationTests
{
    public static TheoryData<string> Providers() => TestDatabases.Providers();

    [Theory, MemberData(nameof(Providers))]
    public void Migrate_OnAnEmptyDatabase_CreatesTheSchemaAndRecordsEveryVersion(string provider)
    {
        using var db = TestDatabases.Create(provider);

        var applied = SchemaMigrator.Migrate(db.Options);

        var all = SchemaMigrator.Scripts(db.Options.Provider).Select(s => s.Version).ToList();
        applied.ShouldBe(all);
        SchemaMigrator.AppliedVersions(db.Options).ShouldBe(all);
        var store = db.OpenStore();
        store.Load("default", "nothing").ShouldBeNull();
        store.StartTimers("default").ShouldBeEmpty();
    }

    [Theory, MemberData(nameof(Providers))]
    public void Migrate_OnASecondStart_AppliesNothingAndKeepsTheData(string provider)
    {
        using var db = TestDatabases.Create(provider);
        var clock = Models.Clock();
        var id = Models.Deployed(db.OpenStore(), clock, Models.Antrag()).StartProcess("Antrag");

        SchemaMigrator.Migrate(db.Options).ShouldBeEmpty();
        var again = db.OpenStore(); // a restart: the store migrates on construction

        again.Load("default", id).ShouldNotBeNull();
        SchemaMigrator.AppliedVersions(db.Options).ShouldBe(SchemaMigrator.Scripts(db.Options.Provider).Select(s => s.Version));
    }

    [Theory, MemberData(nameof(Providers))]
    public void Migrate_AppliesAMissingVersion_BelowTheNewestApplied(string provider)
    {
        // Versions are reserved per feature and merged in any order: a database that has 0005 may still lack 0002.
        using var db = TestDatabases.Create(provider);
        SchemaMigrator.MigrateTo(db.Options, 1);
        var newest = SchemaMigrator.LatestVersion(db.Options.Provider);
        using (var conn = SchemaMigrator.Open(db.Options))
        using (var cmd = conn.CreateCommand())
        {
            cmd.CommandText = $"INSERT INTO schema_version (version, name, applied_at) VALUES ({newest}, 'pretend', 'now')";
            cmd.ExecuteNonQuery();
        }

        var applied = SchemaMigrator.Migrate(db.Options);

        applied.ShouldBe(SchemaMigrator.Scripts(db.Options.Provider).Select(s => s.Version).Where(v => v > 1 && v < newest));
        applied.ShouldContain(2);
    }

    [Fact]
    public void Scripts_ExistForBothProviders_WithTheSameVersions()
    {
        SchemaMigrator.Scripts(StoreProvider.Sqlite).Select(s => (s.Version, s.Name))
            .ShouldBe(SchemaMigrator.Scripts(StoreProvider.Postgres).Select(s => (s.Version, s.Name)));
    }

    [Fact]
    public void Sqlite_DefaultStore_IsAFileUnderData_InWalMode()
    {
        DurableStoreOptions.Parse("sqlite").ConnectionString.ShouldContain(Path.Combine("data", "egov.db"));
        using var db = TestDatabases.Create("sqlite");
        SchemaMigrator.Migrate(db.Options);
        using var conn = SchemaMigrator.Open(db.Options);
        using var cmd = conn.CreateCommand();
        cmd.CommandText = "PRAGMA journal_mode;";
        cmd.ExecuteScalar().ShouldBe("wal");
    }
}
