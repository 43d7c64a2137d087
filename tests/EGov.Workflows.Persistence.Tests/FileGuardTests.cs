using EGov.Workflows.Persistence.Faults;
using EGov.Workflows.Runtime.Store;
using NodaTime;

namespace EGov.Workflows.Persistence.Tests;

/// <summary>The SQLite file under a running store is the one it opened: deleted or replaced, the store refuses writes for good.</summary>
public sealed class FileGuardTests
{
    [Fact]
    public void DeletedWhileRunning_EveryWriteIsRefused_AndTheProbeSaysSo_EvenWhenAFileReappears()
    {
        using var db = TestDatabases.Create("sqlite");
        var store = db.OpenStore();
        var engine = Models.Deployed(store, Models.Clock(), Models.Antrag());
        engine.StartProcess("Antrag");

        StoreFaults.DeleteFiles(store);
        var e = Should.Throw<StoreUnavailableException>(() => engine.StartProcess("Antrag"));

        e.Kind.ShouldBe(StorageFaultKind.FileReplaced);
        Should.Throw<StoreUnavailableException>(() => store.AcquireDueJobs(null, "node-a", Duration.FromSeconds(30), 10, Models.Start + Duration.FromDays(1)));
        var h = store.Probe("node-a", Models.Start);
        h.Ready.ShouldBeFalse();
        h.Reason.ShouldBe("database file deleted or replaced");
        File.Exists(store.DatabasePath).ShouldBeFalse("nothing created a new, empty database in its place");

        File.WriteAllBytes(store.DatabasePath!, []); // a file appears again: still not the one opened
        Should.Throw<StoreUnavailableException>(() => engine.StartProcess("Antrag"));
    }

    [Fact]
    public void ReplacedByACopy_EveryWriteIsRefused()
    {
        using var db = TestDatabases.Create("sqlite");
        var store = db.OpenStore();
        var engine = Models.Deployed(store, Models.Clock(), Models.Antrag());
        engine.StartProcess("Antrag");

        StoreFaults.ReplaceFile(store);

        Should.Throw<StoreUnavailableException>(() => engine.StartProcess("Antrag")).Kind.ShouldBe(StorageFaultKind.FileReplaced);
        store.Probe("node-a", Models.Start).Fault.ShouldBe(StorageFaultKind.FileReplaced);
    }

    [Fact]
    public void AStoreOpenedOnTheFileAgain_Works()
    {
        using var db = TestDatabases.Create("sqlite");
        var first = db.OpenStore();
        Models.Deployed(first, Models.Clock(), Models.Antrag()).StartProcess("Antrag");
        first.Dispose();

        var again = new EfRuntimeStore(db.Options);
        using (again)
        {
            Models.Deployed(again, Models.Clock(), Models.Antrag()).StartProcess("Antrag");
            again.Probe("node-a", Models.Start).Ready.ShouldBeTrue();
        }
        CommitTests.CountRows(db, "instances").ShouldBe(2);
    }
}
