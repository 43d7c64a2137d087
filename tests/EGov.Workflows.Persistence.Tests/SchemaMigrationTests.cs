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
    public void Migrate_AppliesAMissingVersionBelowTheHighest(string provider)
    {
        // Work merged in another order: the database has 0004 but not a lower script that arrived later.
        using var db = TestDatabases.Create(provider);
        SchemaMigrator.Migrate(db.Options);
        using (var c = SchemaMigrator.Open(db.Options))
        using (var cmd = c.CreateCommand())
        {
            cmd.CommandText = "DROP TABLE store_probes; DROP TABLE idempotency_keys; DROP TABLE unique_business_keys; DELETE FROM schema_version WHERE version = 4;";
            cmd.ExecuteNonQuery();
        }

        SchemaMigrator.Migrate(db.Options).ShouldBe([4]);
        CommitTests.CountRows(db, "store_probes").ShouldBe(0);
    }

    [Fact]
    public void Migrate_AppliesAScriptNumberedBelowTheNewestApplied_WhenItIsMissing()
    {
        using var db = TestDatabases.Create("sqlite");
        SchemaMigrator.Migrate(db.Options);
        using (var conn = SchemaMigrator.Open(db.Options))
        using (var cmd = conn.CreateCommand())
        {
            // As if the branch that brought 0002 merged after the one with the newest script: its row is missing.
            cmd.CommandText = "DROP TABLE history_variables; DROP TABLE history_tasks; DROP TABLE history_incidents; DROP INDEX ix_instances_definition; DELETE FROM schema_version WHERE version = 2;";
            cmd.ExecuteNonQuery();
        }
        SchemaMigrator.Migrate(db.Options).ShouldBe([2]);
        SchemaMigrator.Migrate(db.Options).ShouldBeEmpty();
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
