using EGov.Workflows.Persistence.Faults;
using EGov.Workflows.Runtime.Store;
using Microsoft.Data.Sqlite;
using NodaTime;
using Npgsql;

namespace EGov.Workflows.Persistence.Tests;

/// <summary>Storage faults on real databases: classified as what they are, nothing half-written, the store works again after.</summary>
public sealed class StorageFaultTests
{
    private static readonly string Big = new('x', 200_000);

    [Fact]
    public void Sqlite_DiskFull_FailsTheCommitAsDiskFull_WritesNothing_AndWorksWhenSpaceIsBack()
    {
        using var db = TestDatabases.Create("sqlite");
        var store = db.OpenStore();
        var engine = Models.Deployed(store, Models.Clock(), Models.Antrag());
        engine.StartProcess("Antrag");

        StoreFaults.FillDisk(store);
        var e = Should.Throw<Exception>(() => engine.StartProcess("Antrag", new() { ["blob"] = Big }));

        StorageFaults.Classify(e)!.Kind.ShouldBe(StorageFaultKind.DiskFull);
        StorageFaults.Classify(e)!.Title.ShouldBe("Storage full");
        CommitTests.CountRows(db, "instances").ShouldBe(1);
        StoreFaults.Clear(store);
        engine.StartProcess("Antrag", new() { ["blob"] = Big });
        CommitTests.CountRows(db, "instances").ShouldBe(2);
    }

    [Fact]
    public void Sqlite_ReadOnly_FailsTheCommitAsReadOnly_AndWorksAgainAfter()
    {
        using var db = TestDatabases.Create("sqlite");
        var store = db.OpenStore();
        var engine = Models.Deployed(store, Models.Clock(), Models.Antrag());

        StoreFaults.MakeReadOnly(store);
        var e = Should.Throw<Exception>(() => engine.StartProcess("Antrag"));

        StorageFaults.Classify(e)!.Kind.ShouldBe(StorageFaultKind.ReadOnly);
        CommitTests.CountRows(db, "instances").ShouldBe(0);
        StoreFaults.Clear(store);
        engine.StartProcess("Antrag");
        CommitTests.CountRows(db, "instances").ShouldBe(1);
    }

    [Fact]
    public void Sqlite_LockedByAnotherProcess_FailsAsBusy_AfterTheBusyTimeout()
    {
        using var db = TestDatabases.Create("sqlite");
        using var store = new EfRuntimeStore(db.Options with { BusyTimeout = TimeSpan.FromMilliseconds(100) });
        var engine = Models.Deployed(store, Models.Clock(), Models.Antrag());

        Exception e;
        using (StoreFaults.HoldWriteLock(store.Options))
            e = Should.Throw<Exception>(() => engine.StartProcess("Antrag"));

        StorageFaults.Classify(e)!.Kind.ShouldBe(StorageFaultKind.Busy);
        engine.StartProcess("Antrag");
        CommitTests.CountRows(db, "instances").ShouldBe(1);
    }

    [Fact]
    public void Sqlite_ProbeOfAHealthyStore_IsReady_AndWritesItsProbeRow()
    {
        using var db = TestDatabases.Create("sqlite");
        var store = db.OpenStore();

        store.Probe("node-a", Models.Start).ShouldBe(StoreHealth.Ok);
        CommitTests.CountRows(db, "store_probes").ShouldBe(1);
    }

    [Fact]
    public void Sqlite_ProbeOfALockedDatabase_IsNotReady_DatabaseLocked()
    {
        using var db = TestDatabases.Create("sqlite");
        var store = db.OpenStore();

        using (StoreFaults.HoldWriteLock(store.Options))
        {
            var h = store.Probe("node-a", Models.Start);
            h.Ready.ShouldBeFalse();
            h.Reason.ShouldBe("database locked");
        }
        store.Probe("node-a", Models.Start).Ready.ShouldBeTrue();
    }

    [Fact]
    public void Probe_WithAMissingMigration_IsNotReady_AndSaysWhich()
    {
        using var db = TestDatabases.Create("sqlite");
        var store = db.OpenStore();
        using (var c = Schema.SchemaMigrator.Open(db.Options))
        using (var cmd = c.CreateCommand())
        {
            cmd.CommandText = "DELETE FROM schema_version WHERE version = 2";
            cmd.ExecuteNonQuery();
        }

        var h = store.Probe("node-a", Models.Start);

        h.Ready.ShouldBeFalse();
        h.Reason.ShouldBe("schema not migrated (missing version 2)");
    }

    [PostgresFact]
    public void Postgres_ConnectionsKilled_FailAsUnreachable_WriteNothing_AndThePoolRecovers()
    {
        var app = "egov-fault-" + Guid.NewGuid().ToString("N")[..8];
        var connection = new NpgsqlConnectionStringBuilder(TestDatabases.PostgresConnection!) { ApplicationName = app }.ToString();
        using var db = TestDatabase.Postgres(connection);
        var store = db.OpenStore();
        var engine = Models.Deployed(store, Models.Clock(), Models.Antrag());
        engine.StartProcess("Antrag");

        // The server drops the store's connections while a command is between its read and its commit.
        store.BeforeTransactionCommit = _ => StoreFaults.KillConnections(TestDatabases.PostgresConnection!, app).ShouldBeGreaterThan(0);
        var e = Should.Throw<Exception>(() => engine.StartProcess("Antrag"));
        store.BeforeTransactionCommit = null;

        StorageFaults.Classify(e)!.Kind.ShouldBe(StorageFaultKind.Unreachable);
        using (var c = new NpgsqlConnection(db.Options.ConnectionString)) NpgsqlConnection.ClearPool(c); // the test's own counting connections died too
        CommitTests.CountRows(db, "instances").ShouldBe(1);
        for (var i = 0; i < 3; i++) // a pooled connection may still be broken once; the pool replaces it
            try { engine.StartProcess("Antrag"); break; }
            catch (Exception again) when (StorageFaults.IsStorageFault(again) && i < 2) { }
        CommitTests.CountRows(db, "instances").ShouldBe(2);
        store.Probe("node-a", Models.Start).Ready.ShouldBeTrue();
    }

    [Theory]
    [InlineData("53100", StorageFaultKind.DiskFull)]
    [InlineData("25006", StorageFaultKind.ReadOnly)]
    [InlineData("57P01", StorageFaultKind.Unreachable)]
    [InlineData("08006", StorageFaultKind.Unreachable)]
    [InlineData("55P03", StorageFaultKind.Busy)]
    public void Classify_PostgresStates(string sqlState, StorageFaultKind kind) =>
        StorageFaults.Classify(new InvalidOperationException("wrapped", new PostgresException("m", "ERROR", "ERROR", sqlState)))!.Kind.ShouldBe(kind);

    [Theory]
    [InlineData(13, StorageFaultKind.DiskFull)]
    [InlineData(8, StorageFaultKind.ReadOnly)]
    [InlineData(5, StorageFaultKind.Busy)]
    [InlineData(14, StorageFaultKind.Unreachable)]
    [InlineData(10, StorageFaultKind.IoError)]
    public void Classify_SqliteCodes(int code, StorageFaultKind kind) =>
        StorageFaults.Classify(new SqliteException("m", code))!.Kind.ShouldBe(kind);

    [Fact]
    public void Classify_ABugOrAConflict_IsNoStorageFault()
    {
        StorageFaults.Classify(new InvalidOperationException("bug")).ShouldBeNull();
        StorageFaults.Classify(new ConcurrencyConflictException("stale")).ShouldBeNull();
        StorageFaults.Classify(new SqliteException("constraint", 19)).ShouldBeNull();
        StorageFaults.Classify(new PostgresException("m", "ERROR", "ERROR", "23505")).ShouldBeNull();
    }
}
