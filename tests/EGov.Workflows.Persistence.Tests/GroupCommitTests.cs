using EGov.Workflows.Runtime.State;
using EGov.Workflows.Runtime.Store;

namespace EGov.Workflows.Persistence.Tests;

/// <summary>
/// Both stores write commits that arrive together as one group: SQLite in one transaction, each change set in its own
/// savepoint; PostgreSQL as one batch and one COMMIT, written again with a savepoint per change set when one of them fails.
/// These tests hold the writer inside one commit (the BeforeTransactionCommit seam) until others have queued, so the next
/// group is known.
/// </summary>
public sealed class GroupCommitTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    public static TheoryData<string> Providers() => TestDatabases.Providers();

    [Theory, MemberData(nameof(Providers))]
    public void Group_WithAStaleRevision_FailsOnlyThatCommand_AndCommitsTheOthers(string provider)
    {
        using var db = TestDatabases.Create(provider);
        var store = db.OpenStore();
        var engine = Models.Deployed(store, Models.Clock(), Models.Antrag());
        var ids = Enumerable.Range(0, 4).Select(_ => engine.StartProcess("Antrag")).ToList();
        var stale = store.Load("default", ids[3])!;
        var winner = store.Load("default", ids[3])!;
        winner.BusinessKey = "won";
        store.Commit(CommitTests.Changes(winner));
        var b = Keyed(store, ids[1], "b");
        var c = Keyed(store, ids[2], "c");
        stale.BusinessKey = "stale";

        var results = InOneGroup(store, Keyed(store, ids[0], "blocker"), [CommitTests.Changes(b), CommitTests.Changes(c), CommitTests.Changes(stale)], fail: null);

        store.GroupCommits.LargestGroup.ShouldBe(3);
        results[0].ShouldBeNull();
        results[1].ShouldBeNull();
        results[2].ShouldBeNull();
        results[3].ShouldBeOfType<ConcurrencyConflictException>().Message.ShouldContain($"process instance {ids[3]} was changed by another command (revision 2, read at 1)");
        store.Load("default", ids[1])!.BusinessKey.ShouldBe("b");
        store.Load("default", ids[2])!.BusinessKey.ShouldBe("c");
        store.Load("default", ids[3])!.BusinessKey.ShouldBe("won");
        b.Revision.ShouldBe(2);
        stale.Revision.ShouldBe(1); // the caller's copy keeps the revision it was read at
    }

    [Theory, MemberData(nameof(Providers))]
    public void Group_WithAFailingChangeSet_LeavesNothingOfIt_AndCommitsTheOthers(string provider)
    {
        using var db = TestDatabases.Create(provider);
        var store = db.OpenStore();
        var engine = Models.Deployed(store, Models.Clock(), Models.Antrag());
        var ids = Enumerable.Range(0, 3).Select(_ => engine.StartProcess("Antrag")).ToList();
        var twin = store.Load("default", ids[2])!;
        twin.Revision = 0; // a second command creating an id that exists
        var duplicate = CommitTests.Changes(twin);
        duplicate.History.Add(new ElementInstanceRecord { Id = "h-twin", InstanceId = ids[2], RootInstanceId = ids[2], ElementId = "x", ElementType = "task" });
        var newcomer = store.Load("default", ids[2])!;
        newcomer.Id = newcomer.RootInstanceId = "newcomer";
        newcomer.Revision = 0;
        var failing = CommitTests.Changes(newcomer);
        failing.History.Add(new ElementInstanceRecord { Id = "h-newcomer", InstanceId = "newcomer", RootInstanceId = "newcomer", ElementId = "x", ElementType = "task" });
        var fine = CommitTests.Changes(Keyed(store, ids[1], "fine"));

        var results = InOneGroup(store, Keyed(store, ids[0], "blocker"), [duplicate, failing, fine], fail: failing);

        store.GroupCommits.LargestGroup.ShouldBe(3);
        results[1].ShouldBeOfType<ConcurrencyConflictException>();
        results[2].ShouldBeOfType<IOException>();
        results[3].ShouldBeNull();
        store.Load("default", "newcomer").ShouldBeNull();
        store.History("default", "newcomer").ShouldBeEmpty();
        store.History("default", ids[2]).ShouldNotContain(h => h.Id == "h-twin");
        store.OpenUserTasks("default").Select(t => t.InstanceId).ShouldBe(ids, ignoreOrder: true);
        store.Load("default", ids[1])!.BusinessKey.ShouldBe("fine");
        store.Load("default", ids[2])!.Revision.ShouldBe(1);
    }

    [Theory, MemberData(nameof(Providers))]
    public void SequentialCommits_AreGroupsOfOne(string provider)
    {
        using var db = TestDatabases.Create(provider);
        var store = db.OpenStore();
        var engine = Models.Deployed(store, Models.Clock(), Models.Antrag());

        for (var i = 0; i < 5; i++) engine.StartProcess("Antrag");

        store.GroupCommits.LargestGroup.ShouldBe(1);
        store.OpenUserTasks("default").Count.ShouldBe(5);
    }

    [PostgresFact]
    public void Postgres_GroupWithoutConflicts_IsOneBatch_NotRewrittenPerChangeSet()
    {
        using var db = TestDatabases.Create("postgres");
        var store = db.OpenStore();
        var engine = Models.Deployed(store, Models.Clock(), Models.Antrag());
        var ids = Enumerable.Range(0, 4).Select(_ => engine.StartProcess("Antrag")).ToList();

        var results = InOneGroup(store, Keyed(store, ids[0], "blocker"),
            [CommitTests.Changes(Keyed(store, ids[1], "b")), CommitTests.Changes(Keyed(store, ids[2], "c")), CommitTests.Changes(Keyed(store, ids[3], "d"))], fail: null);

        results.ShouldAllBe(e => e == null);
        store.GroupCommits.LargestGroup.ShouldBe(3);
        ((Data.Postgres.PostgresGroupCommit)store.GroupCommits).Rewritten.ShouldBe(0);
        ids.Skip(1).Select(id => store.Load("default", id)!.BusinessKey).ShouldBe(["b", "c", "d"]);
    }

    [PostgresFact]
    public void Postgres_GroupWithAConflict_IsWrittenAgainPerChangeSet()
    {
        using var db = TestDatabases.Create("postgres");
        var store = db.OpenStore();
        var engine = Models.Deployed(store, Models.Clock(), Models.Antrag());
        var ids = Enumerable.Range(0, 3).Select(_ => engine.StartProcess("Antrag")).ToList();
        var first = Keyed(store, ids[1], "first");
        var second = Keyed(store, ids[1], "second"); // read at the same revision: the later one in the group is stale

        var results = InOneGroup(store, Keyed(store, ids[0], "blocker"), [CommitTests.Changes(first), CommitTests.Changes(second), CommitTests.Changes(Keyed(store, ids[2], "fine"))], fail: null);

        ((Data.Postgres.PostgresGroupCommit)store.GroupCommits).Rewritten.ShouldBe(1);
        results.Count(e => e is ConcurrencyConflictException).ShouldBe(1);
        results.Count(e => e == null).ShouldBe(3);
        store.Load("default", ids[1])!.Revision.ShouldBe(2);
        store.Load("default", ids[1])!.BusinessKey.ShouldBeOneOf("first", "second");
        store.Load("default", ids[2])!.BusinessKey.ShouldBe("fine");
    }

    /// <summary>
    /// The server drops the store's connections again and again while many commands commit concurrently (groups in
    /// flight): every command that returned is stored whole, and nothing is stored half — a failed command left either
    /// nothing or (its COMMIT reached the server before the connection died) all of it.
    /// </summary>
    [PostgresFact]
    public void Postgres_ConnectionsKilledUnderConcurrentCommits_LoseNoAcknowledgedCommand()
    {
        var app = "egov-group-" + Guid.NewGuid().ToString("N")[..8];
        var connection = new Npgsql.NpgsqlConnectionStringBuilder(TestDatabases.PostgresConnection!) { ApplicationName = app }.ToString();
        using var db = TestDatabase.Postgres(connection);
        var store = db.OpenStore();
        var engine = Models.Deployed(store, Models.Clock(), Models.Antrag());
        var acknowledged = new System.Collections.Concurrent.ConcurrentBag<string>();
        var failed = 0;
        using var stop = new CancellationTokenSource();
        var clients = Enumerable.Range(0, 16).Select(_ => Task.Run(() =>
        {
            while (!stop.IsCancellationRequested)
                try { acknowledged.Add(engine.StartProcess("Antrag")); }
                catch (Exception e) when (Faults.StorageFaults.IsStorageFault(e) || e is ConcurrencyConflictException) { Interlocked.Increment(ref failed); }
        })).ToArray();

        var kills = 0;
        for (var round = 0; round < 5; round++)
        {
            var before = acknowledged.Count;
            var deadline = DateTime.UtcNow + Patience;
            while (acknowledged.Count < before + 50 && DateTime.UtcNow < deadline) Thread.Sleep(5);
            kills += StoreFaults.KillConnections(TestDatabases.PostgresConnection!, app);
        }
        var afterKills = acknowledged.Count;
        var settle = DateTime.UtcNow + Patience;
        while (acknowledged.Count < afterKills + 50 && DateTime.UtcNow < settle) Thread.Sleep(5); // the pool recovers
        stop.Cancel();
        Task.WaitAll(clients, Patience).ShouldBeTrue();

        kills.ShouldBeGreaterThan(0);
        failed.ShouldBeGreaterThan(0); // the kills hit commands in flight
        store.GroupCommits.LargestGroup.ShouldBeGreaterThan(1);
        acknowledged.Count.ShouldBeGreaterThan(afterKills);
        using (var c = new Npgsql.NpgsqlConnection(db.Options.ConnectionString)) Npgsql.NpgsqlConnection.ClearPool(c); // the counting connections died too
        var stored = StoredInstances(db);
        acknowledged.Except(stored).ShouldBeEmpty();
        // Whole or nothing: each stored instance has its open user task and its start's history.
        CommitTests.CountRows(db, "user_tasks").ShouldBe(stored.Count);
        CountDistinct(db, "history_element_instances", "instance_id").ShouldBe(stored.Count);
    }

    private static HashSet<string> StoredInstances(TestDatabase db)
    {
        using var conn = Schema.SchemaMigrator.Open(db.Options);
        using var cmd = conn.CreateCommand();
        cmd.CommandText = "SELECT id FROM instances";
        using var r = cmd.ExecuteReader();
        var ids = new HashSet<string>(StringComparer.Ordinal);
        while (r.Read()) ids.Add(r.GetString(0));
        return ids;
    }

    private static long CountDistinct(TestDatabase db, string table, string column)
    {
        using var conn = Schema.SchemaMigrator.Open(db.Options);
        using var cmd = conn.CreateCommand();
        cmd.CommandText = $"SELECT COUNT(DISTINCT {column}) FROM {table}";
        return Convert.ToInt64(cmd.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static ProcessInstanceState Keyed(EfRuntimeStore store, string id, string key)
    {
        var s = store.Load("default", id)!;
        s.BusinessKey = key;
        return s;
    }

    /// <summary>
    /// Commits <paramref name="blocker"/>, holds the writer inside it until every other change set has queued, then lets
    /// them go: they commit as one group. <paramref name="fail"/>'s seam throws. Returns what each commit threw (null: none),
    /// the blocker's first.
    /// </summary>
    private static Exception?[] InOneGroup(EfRuntimeStore store, ProcessInstanceState blocker, RuntimeChangeSet[] others, RuntimeChangeSet? fail)
    {
        var first = CommitTests.Changes(blocker);
        using var entered = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        store.BeforeTransactionCommit = changes =>
        {
            if (ReferenceEquals(changes, first))
            {
                entered.Set();
                release.Wait(Patience).ShouldBeTrue();
            }
            if (ReferenceEquals(changes, fail)) throw new IOException("disk gone");
        };
        var tasks = new List<Task<Exception?>> { Task.Run(() => Try(store, first)) };
        entered.Wait(Patience).ShouldBeTrue();
        foreach (var o in others) tasks.Add(Task.Run(() => Try(store, o)));
        var deadline = DateTime.UtcNow + Patience;
        while (store.GroupCommits.Queued < others.Length && DateTime.UtcNow < deadline) Thread.Sleep(5);
        store.GroupCommits.Queued.ShouldBe(others.Length);
        release.Set();
        Task.WaitAll([.. tasks], Patience).ShouldBeTrue();
        store.BeforeTransactionCommit = null;
        return [.. tasks.Select(t => t.Result)];
    }

    private static Exception? Try(EfRuntimeStore store, RuntimeChangeSet changes)
    {
        try
        {
            store.Commit(changes);
            return null;
        }
        catch (Exception e) when (e is ConcurrencyConflictException or IOException)
        {
            return e;
        }
    }
}
