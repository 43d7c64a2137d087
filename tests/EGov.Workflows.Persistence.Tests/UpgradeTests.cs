using EGov.Workflows.Persistence.Schema;
using EGov.Workflows.Runtime;

namespace EGov.Workflows.Persistence.Tests;

/// <summary>
/// (Issue 15, item 4) Upgrades: a database of the first released schema (0001, with cases the engine started on it: one at a
/// user task, one at a timer) is migrated to the current schema and its waiting instances run to completion (a database
/// written by a real older build: <c>Fixtures/</c>, see its README); a database a newer build has migrated is refused, with what to do, by start and probe.
/// </summary>
public sealed class UpgradeTests
{
    public static TheoryData<string> Providers() => TestDatabases.Providers();

    [Theory, MemberData(nameof(Providers))]
    public void ADatabaseOfTheFirstReleasedSchema_IsMigratedToCurrent_AndItsWaitingInstancesComplete(string provider)
    {
        using var db = TestDatabases.Create(provider);
        SchemaMigrator.MigrateTo(db.Options, 1).ShouldBe([1]);
        var clock = Models.Clock();
        string atTask, atTimer;
        using (var oldStore = new EfRuntimeStore(db.Options, migrate: false)) // the old build: schema 0001 only
        {
            var old = new WorkflowEngine(new WorkflowEngineOptions { Store = oldStore, Clock = clock, HistoryLevel = HistoryLevel.Activity });
            old.Deploy("antrag.bpmn", Models.Read(Models.Antrag()));
            old.Deploy("frist.bpmn", Models.Read(Models.Frist("PT2H")));
            atTask = old.StartProcess("Antrag", Obj("""{"betrag": 120, "antragsteller": {"name": "Erika", "plz": "35390"}}"""));
            atTimer = old.StartProcess("Frist");
        }

        var store = db.OpenStore(); // the current build starts on it: every later script is applied
        SchemaMigrator.AppliedVersions(db.Options).ShouldBe(SchemaMigrator.Scripts(db.Options.Provider).Select(s => s.Version).ToList());
        SchemaMigrator.MissingVersions(db.Options).ShouldBeEmpty();
        var engine = Models.Engine(store, clock);
        engine.Deploy("antrag.bpmn", Models.Read(Models.Antrag())); // unchanged models keep their versions
        engine.Deploy("frist.bpmn", Models.Read(Models.Frist("PT2H")));

        engine.GetInstance(atTask).Variables["betrag"]!.GetValue<int>().ShouldBe(120);
        engine.CompleteUserTask(engine.OpenUserTasks(atTask).Single().Id, userId: "anna");
        clock.AdvanceHours(3);
        engine.RunDueJobs();

        foreach (var id in new[] { atTask, atTimer })
            engine.GetInstance(id).State.ShouldBe(InstanceState.Completed, $"instance {id} of the old schema");
        engine.History(atTask).Select(h => h.ElementId).ShouldContain("Ende");
    }

    [Fact]
    public void ADatabaseWrittenByAnOlderBuild_IsMigrated_ItsDeploymentRestored_AndItsWaitingCasesComplete()
    {
        using var db = TestDatabase.Sqlite();
        var file = new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(db.Options.ConnectionString).DataSource;
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        using (var gz = new System.IO.Compression.GZipStream(File.OpenRead(Path.Combine(AppContext.BaseDirectory, "Fixtures", "egov-57fbf7c.db.gz")), System.IO.Compression.CompressionMode.Decompress))
        using (var target = File.Create(file))
            gz.CopyTo(target);
        var old = SchemaMigrator.AppliedVersions(db.Options);
        old.ShouldBe([1, 2, 3, 4, 5, 6, 7, 8, 10, 15]);

        var store = db.OpenStore(); // the current build opens it: migrates every missing version
        SchemaMigrator.MissingVersions(db.Options).ShouldBeEmpty();
        store.CountOpenCases("default").ShouldBe(3, "the open-instance count (0032) starts from the cases already open");
        var clock = new NodaTime.Testing.FakeClock(NodaTime.Instant.FromUtc(2026, 12, 4, 12, 0)); // the next day: the old timer is due
        var engine = Models.Engine(store, clock);
        var deployments = new Deployments.DurableDeployments(store, clock);
        deployments.Restore(engine).ShouldBe(1); // the older build's deployment, read back
        deployments.Deploy(engine, "altbestand.bpmn", Models.Read(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "altbestand.bpmn"))))
            .ShouldAllBe(d => d.Version == 1); // unchanged: still version 1

        var byKey = store.RunningInstances("default", "Altbestand", 1).ToDictionary(id => engine.GetInstance(id).BusinessKey!, id => id);
        byKey.Keys.Order().ShouldBe(["A-1", "A-2", "A-3"]);
        engine.GetInstance(byKey["A-1"]).Variables["antragsteller"]!["name"]!.GetValue<string>().ShouldBe("Erika Muster");

        engine.RunDueJobs(); // the timer the old build scheduled
        engine.CompleteUserTask(engine.OpenUserTasks(byKey["A-1"]).Single().Id, Obj("""{"vollstaendig": true}"""), userId: "anna");
        engine.CorrelateMessage("Unterlagen").ShouldBe(1); // the subscription the old build wrote
        clock.AdvanceHours(2);
        engine.RunDueJobs();

        foreach (var (key, id) in byKey)
            engine.GetInstance(id).State.ShouldBe(InstanceState.Completed, $"case {key} of the older build");
        store.CountOpenCases("default").ShouldBe(0);
        engine.History(byKey["A-2"]).Select(h => h.ElementId).ShouldBe(["Start", "Pruefen", "Vollstaendig", "Nachreichung", "Wartefrist", "Ende"], ignoreOrder: true);
    }

    [Theory, MemberData(nameof(Providers))]
    public void ADatabaseOfANewerBuild_IsRefused_WithWhatToDo_AndNothingIsWritten(string provider)
    {
        using var db = TestDatabases.Create(provider);
        // One script short of this build's schema: a store that did not refuse would apply it, so "nothing is written" can fail.
        SchemaMigrator.MigrateTo(db.Options, SchemaMigrator.LatestVersion(db.Options.Provider) - 1);
        var newer = SchemaMigrator.LatestVersion(db.Options.Provider) + 5;
        using (var c = SchemaMigrator.Open(db.Options))
        using (var cmd = c.CreateCommand())
        {
            cmd.CommandText = $"INSERT INTO schema_version (version, name, applied_at) VALUES ({newer}, 'from_a_newer_build', 'now');";
            cmd.ExecuteNonQuery();
        }
        var before = SchemaMigrator.AppliedVersions(db.Options);

        var e = Should.Throw<SchemaTooNewException>(() => new EfRuntimeStore(db.Options));
        e.Unknown.ShouldBe([newer]);
        e.Message.ShouldContain($"schema version {newer}, which this build does not know");
        e.Message.ShouldContain("restore a backup");
        SchemaMigrator.UnknownVersions(db.Options).ShouldBe([newer]);
        SchemaMigrator.AppliedVersions(db.Options).ShouldBe(before);
    }

    [Theory, MemberData(nameof(Providers))]
    public void ARunningNode_WhoseDatabaseANewerBuildMigrated_IsNotReady(string provider)
    {
        using var db = TestDatabases.Create(provider);
        var store = db.OpenStore();
        store.Probe("node-a", Models.Start).Ready.ShouldBeTrue();
        using (var c = SchemaMigrator.Open(db.Options))
        using (var cmd = c.CreateCommand())
        {
            cmd.CommandText = $"INSERT INTO schema_version (version, name, applied_at) VALUES ({SchemaMigrator.LatestVersion(db.Options.Provider) + 1}, 'newer', 'now');";
            cmd.ExecuteNonQuery();
        }

        var health = store.Probe("node-a", Models.Start);
        health.Ready.ShouldBeFalse();
        health.Reason.ShouldBe("schema newer than this node (upgraded by a newer build)");
    }

    private static System.Text.Json.Nodes.JsonObject Obj(string json) => System.Text.Json.Nodes.JsonNode.Parse(json)!.AsObject();
}
