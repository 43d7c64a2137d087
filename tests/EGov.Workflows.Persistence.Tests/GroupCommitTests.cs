using EGov.Workflows.Runtime.State;
using EGov.Workflows.Runtime.Store;

namespace EGov.Workflows.Persistence.Tests;

/// <summary>
/// SQLite writes commits that arrive together in one transaction, each change set in its own savepoint. These tests hold
/// the writer inside one commit (the BeforeTransactionCommit seam) until others have queued, so the next group is known.
/// </summary>
public sealed class GroupCommitTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    [Fact]
    public void Group_WithAStaleRevision_FailsOnlyThatCommand_AndCommitsTheOthers()
    {
        using var db = TestDatabases.Create("sqlite");
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

        store.SqliteCommits!.LargestGroup.ShouldBe(3);
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

    [Fact]
    public void Group_WithAFailingChangeSet_LeavesNothingOfIt_AndCommitsTheOthers()
    {
        using var db = TestDatabases.Create("sqlite");
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

        store.SqliteCommits!.LargestGroup.ShouldBe(3);
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

    [Fact]
    public void SequentialCommits_AreGroupsOfOne()
    {
        using var db = TestDatabases.Create("sqlite");
        var store = db.OpenStore();
        var engine = Models.Deployed(store, Models.Clock(), Models.Antrag());

        for (var i = 0; i < 5; i++) engine.StartProcess("Antrag");

        store.SqliteCommits!.LargestGroup.ShouldBe(1);
        store.OpenUserTasks("default").Count.ShouldBe(5);
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
        while (store.SqliteCommits!.Queued < others.Length && DateTime.UtcNow < deadline) Thread.Sleep(5);
        store.SqliteCommits.Queued.ShouldBe(others.Length);
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
