using System.Text.Json.Nodes;
using EGov.Workflows.Runtime;
using EGov.Workflows.Runtime.State;
using EGov.Workflows.Runtime.Store;
using NodaTime;

namespace EGov.Workflows.Persistence.Tests;

public sealed class CommitTests
{
    public static TheoryData<string> Providers() => TestDatabases.Providers();

    [Theory, MemberData(nameof(Providers))]
    public void Commit_FailingBeforeTheTransactionEnds_LeavesNothingBehind(string provider)
    {
        using var db = TestDatabases.Create(provider);
        var store = db.OpenStore();
        var engine = Models.Deployed(store, Models.Clock(), Models.Antrag());
        store.BeforeTransactionCommit = _ => throw new IOException("disk gone");

        Should.Throw<IOException>(() => engine.StartProcess("Antrag"));

        store.BeforeTransactionCommit = null;
        store.OpenUserTasks("default").ShouldBeEmpty();
        store.FindDueWork("default", Instant.MaxValue, 10).ShouldBeEmpty();
        CountRows(db, "instances").ShouldBe(0);
        CountRows(db, "history_element_instances").ShouldBe(0);
    }

    [Theory, MemberData(nameof(Providers))]
    public void Commit_WithAStaleRevision_ThrowsAConflictAndWritesNothingOfTheChangeSet(string provider)
    {
        using var db = TestDatabases.Create(provider);
        var store = db.OpenStore();
        var engine = Models.Deployed(store, Models.Clock(), Models.Antrag());
        var id = engine.StartProcess("Antrag");
        var other = engine.StartProcess("Antrag");
        var first = store.Load("default", id)!;
        var second = store.Load("default", id)!;
        first.BusinessKey = "first";
        store.Commit(Changes(first));

        // One change set: a valid update (written at once), then the stale document, then a new document and history.
        var fresh = store.Load("default", other)!;
        fresh.BusinessKey = "changed";
        second.BusinessKey = "second";
        var stale = Changes(fresh, second);
        var newcomer = store.Load("default", other)!;
        newcomer.Id = "newcomer";
        newcomer.RootInstanceId = "newcomer";
        newcomer.Revision = 0;
        stale.Instances.Add(newcomer);
        stale.History.Add(new ElementInstanceRecord { Id = "h1", InstanceId = id, RootInstanceId = id, ElementId = "x", ElementType = "task" });

        var e = Should.Throw<ConcurrencyConflictException>(() => store.Commit(stale));

        e.Message.ShouldContain(id);
        store.Load("default", id)!.BusinessKey.ShouldBe("first");
        store.Load("default", other)!.BusinessKey.ShouldBeNull();
        store.Load("default", other)!.Revision.ShouldBe(1);
        fresh.Revision.ShouldBe(1);
        store.Load("default", "newcomer").ShouldBeNull();
        store.History("default", id).ShouldNotContain(h => h.Id == "h1");
        second.Revision.ShouldBe(1); // the caller's copy keeps the revision it was read at
    }

    [Theory, MemberData(nameof(Providers))]
    public void Commit_OfANewInstanceWhoseIdExists_IsAConflict_AndWritesNothing(string provider)
    {
        using var db = TestDatabases.Create(provider);
        var store = db.OpenStore();
        var engine = Models.Deployed(store, Models.Clock(), Models.Antrag());
        var id = engine.StartProcess("Antrag");
        var twin = store.Load("default", id)!;
        twin.Revision = 0; // as a second command creating the same id would commit it
        twin.BusinessKey = "twin";
        var changes = Changes(twin);
        changes.History.Add(new ElementInstanceRecord { Id = "h-twin", InstanceId = id, RootInstanceId = id, ElementId = "x", ElementType = "task" });

        Should.Throw<ConcurrencyConflictException>(() => store.Commit(changes));

        store.Load("default", id)!.BusinessKey.ShouldBeNull();
        store.Load("default", id)!.Revision.ShouldBe(1);
        store.History("default", id).ShouldNotContain(h => h.Id == "h-twin");
    }

    [Theory, MemberData(nameof(Providers))]
    public void Commit_OfTheSameTaskByTwoEngines_LetsExactlyOneWin(string provider)
    {
        using var db = TestDatabases.Create(provider);
        var clock = Models.Clock();
        var a = Models.Deployed(db.OpenStore(), clock, Models.Antrag());
        var b = Models.Deployed(db.OpenStore(), clock, Models.Antrag());
        var id = a.StartProcess("Antrag");
        var task = a.OpenUserTasks(id).Single();
        var stale = b.Store.Load("default", id)!;

        a.CompleteUserTask(task.Id, new JsonObject { ["ok"] = true });
        stale.BusinessKey = "late";

        Should.Throw<ConcurrencyConflictException>(() => b.Store.Commit(Changes(stale)));
        Should.Throw<WorkflowCommandException>(() => b.CompleteUserTask(task.Id)); // the task is gone for everybody
        b.GetInstance(id).Variables["ok"]!.GetValue<bool>().ShouldBeTrue();
    }

    [Theory, MemberData(nameof(Providers))]
    public void WaitingInstance_RoundTripsThroughTheStore_AndContinuesAfterARestart(string provider)
    {
        using var db = TestDatabases.Create(provider);
        var clock = Models.Clock();
        var before = Models.Deployed(db.OpenStore(), clock, Models.Antrag());
        var id = before.StartProcess("Antrag", new JsonObject { ["antragsteller"] = "Erika Mustermann", ["betrag"] = 12.5, ["anlagen"] = new JsonArray(1, 2) }, "AZ-2026-17");
        var written = RuntimeJson.Serialize(before.Store.Load("default", id)!);

        // A restart: a new store object on the same database, a new engine with the same model.
        var after = Models.Deployed(db.OpenStore(), clock, Models.Antrag());
        RuntimeJson.Serialize(after.Store.Load("default", id)!).ShouldBe(written);
        var task = after.OpenUserTasks(id).ShouldHaveSingleItem();
        task.ElementId.ShouldBe("Pruefen");
        task.BusinessKey.ShouldBe("AZ-2026-17");

        after.CompleteUserTask(task.Id, new JsonObject { ["geprueft"] = true });
        after.GetInstance(id).Waiting.ShouldBe(["Warten"]);
        after.NextDueTime().ShouldBe(Models.Start + Duration.FromHours(1));
        clock.AdvanceHours(1);
        after.RunDueJobs().ShouldBe(1);

        var view = after.GetInstance(id);
        view.State.ShouldBe(InstanceState.Completed);
        view.Variables["antragsteller"]!.GetValue<string>().ShouldBe("Erika Mustermann");
        view.Variables["anlagen"]!.AsArray().Count.ShouldBe(2);
        view.Variables["geprueft"]!.GetValue<bool>().ShouldBeTrue();
        view.History.Select(h => h.ElementId).ShouldBe(["Start", "Pruefen", "Warten", "Ende"], ignoreOrder: true);
        view.History.Select(h => h.Id).Distinct().Count().ShouldBe(view.History.Count);
        after.NextDueTime().ShouldBeNull();
    }

    internal static RuntimeChangeSet Changes(params ProcessInstanceState[] states)
    {
        var c = new RuntimeChangeSet { TenantId = states[0].TenantId };
        c.Instances.AddRange(states);
        return c;
    }

    internal static long CountRows(TestDatabase db, string table)
    {
        using var conn = Schema.SchemaMigrator.Open(db.Options);
        using var cmd = conn.CreateCommand();
        cmd.CommandText = $"SELECT COUNT(*) FROM {table}";
        return Convert.ToInt64(cmd.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
