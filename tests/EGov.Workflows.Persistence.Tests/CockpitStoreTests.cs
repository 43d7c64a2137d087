using EGov.Workflows.Persistence.Cockpit;
using EGov.Workflows.Runtime.State;
using EGov.Workflows.Runtime.Store;
using NodaTime;

namespace EGov.Workflows.Persistence.Tests;

/// <summary>The cockpit's tables (migration 0022) on SQLite and PostgreSQL: journal, batches leased by one node at a time, resumable.</summary>
public sealed class CockpitStoreTests
{
    public static TheoryData<string> Providers() => TestDatabases.Providers();

    private static readonly Instant T0 = Instant.FromUtc(2026, 12, 3, 10, 0);

    private static BatchOperation Batch(string id, Instant at) =>
        new(id, BatchKinds.Cancel, "Testfälle", "{}", "{\"processId\":\"Antrag\"}", "olga", at, BatchStates.Running, 0, 0, 0, 0, null);

    [Theory]
    [MemberData(nameof(Providers))]
    public void Batch_IsLeasedByOneNodeAtATime_AndAnotherTakesItOverWhenTheLeaseExpires_WithThePendingCasesOnly(string provider)
    {
        using var db = TestDatabases.Create(provider);
        db.OpenStore(); // creates the schema
        ICockpitStore store = new SqlCockpitStore(db.Options);
        var ids = Enumerable.Range(0, 450).Select(n => $"case-{n:D3}").ToList(); // more than one INSERT's rows
        store.CreateBatch("t1", Batch("b1", T0), ids);
        store.FindBatch("t1", "b1")!.Total.ShouldBe(450);
        store.FindBatch("t2", "b1").ShouldBeNull(); // another tenant's batch is unknown

        store.Lease("node-a", T0, T0 + Duration.FromSeconds(30)).ShouldBe(new LeasedBatch("t1", "b1"));
        store.Lease("node-b", T0 + Duration.FromSeconds(1), T0 + Duration.FromSeconds(31)).ShouldBeNull();
        var first = store.Pending("b1", 2);
        first.Select(i => i.InstanceId).ShouldBe(["case-000", "case-001"]);
        store.Finish("b1", 0, BatchStates.Succeeded, "abgebrochen", T0, "node-a", T0 + Duration.FromSeconds(30));
        store.Finish("b1", 0, BatchStates.Succeeded, "abgebrochen", T0, "node-a", T0 + Duration.FromSeconds(30)); // counted once
        store.Finish("b1", 1, BatchStates.Skipped, "bereits beendet", T0, "node-a", T0 + Duration.FromSeconds(30));

        // node-a dies; after its lease node-b takes the batch and goes on with what is still pending.
        store.Lease("node-b", T0 + Duration.FromSeconds(31), T0 + Duration.FromSeconds(61)).ShouldBe(new LeasedBatch("t1", "b1"));
        store.Pending("b1", 1)[0].InstanceId.ShouldBe("case-002");
        var b = store.FindBatch("t1", "b1")!;
        (b.Succeeded, b.Skipped, b.Failed, b.Done).ShouldBe((1, 1, 0, 2));
        store.Items("t1", "b1", BatchStates.Skipped, 0, 10).Items.Single().Message.ShouldBe("bereits beendet");
        store.Items("t1", "b1", null, 440, 100).Items.Count.ShouldBe(10);
        store.Items("t1", "b1", BatchStates.Pending, 0, 1).Total.ShouldBe(448);

        store.Cancel("t1", "b1", T0 + Duration.FromSeconds(40)).ShouldBeTrue();
        store.Cancel("t1", "b1", T0 + Duration.FromSeconds(41)).ShouldBeFalse();
        store.Lease("node-b", T0 + Duration.FromSeconds(42), T0 + Duration.FromSeconds(72)).ShouldBeNull(); // a stopped batch is not run
        store.FindBatch("t1", "b1")!.Status.ShouldBe(BatchStates.Cancelled);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public void Journal_AndBatchList_ArePagedPerTenant(string provider)
    {
        using var db = TestDatabases.Create(provider);
        db.OpenStore();
        ICockpitStore store = new SqlCockpitStore(db.Options);
        store.Record("t1", new OperatorAction("a1", "case-1", BatchKinds.SetVariables, "Betrag nachgetragen", "betrag", "olga", null, T0));
        store.Record("t1", new OperatorAction("a2", "case-1", BatchKinds.Retry, null, "Rechnen", "olga", "b9", T0 + Duration.FromSeconds(1)));
        store.Record("t2", new OperatorAction("a3", "case-1", BatchKinds.Cancel, "x", null, "olga", null, T0));
        var journal = store.Actions("t1", "case-1", 0, 10);
        journal.Total.ShouldBe(2);
        journal.Items.Select(a => a.Id).ShouldBe(["a1", "a2"]);
        journal.Items[1].Reason.ShouldBeNull();
        journal.Items[1].BatchId.ShouldBe("b9");
        journal.Items[0].At.ShouldBe(T0);

        store.CreateBatch("t1", Batch("b1", T0), ["x"]);
        store.CreateBatch("t1", Batch("b2", T0 + Duration.FromSeconds(5)), ["y"]);
        store.Batches("t1", 0, 1).Items.Single().Id.ShouldBe("b2");
        store.Batches("t1", 0, 10).Total.ShouldBe(2);
        store.Batches("t2", 0, 10).Total.ShouldBe(0);
        store.Lease("n", T0, T0 + Duration.FromSeconds(30))!.BatchId.ShouldBe("b1"); // oldest first
        store.Finish("b1", 0, BatchStates.Failed, "Vorgang nicht gefunden", T0, "n", T0 + Duration.FromSeconds(30));
        store.Complete("b1", T0 + Duration.FromSeconds(2));
        store.FindBatch("t1", "b1")!.Status.ShouldBe(BatchStates.Completed);
        store.FindBatch("t1", "b1")!.FinishedAt.ShouldBe(T0 + Duration.FromSeconds(2));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public void InstancesPage_FiltersRootCases_NewestFirst(string provider)
    {
        using var db = TestDatabases.Create(provider);
        var store = db.OpenStore();
        var changes = new RuntimeChangeSet { TenantId = "t1" };
        for (var n = 0; n < 5; n++)
            changes.Instances.Add(new ProcessInstanceState
            {
                Id = $"i{n}", TenantId = "t1", RootInstanceId = $"i{n}", ProcessId = n < 4 ? "Antrag" : "Skript", DefinitionVersion = n < 2 ? 1 : 2,
                BusinessKey = $"AZ_{n}", Status = n == 3 ? InstanceStatus.Completed : InstanceStatus.Running,
                StartedAt = T0 + Duration.FromMinutes(n), EndedAt = n == 3 ? T0 + Duration.FromHours(1) : null,
            });
        store.Commit(changes);
        store.InstancesPage("t1", new InstanceQuery(), 0, 2).ShouldSatisfyAllConditions(
            p => p.Total.ShouldBe(5), p => p.Items.Select(i => i.Id).ShouldBe(["i4", "i3"]));
        store.InstancesPage("t1", new InstanceQuery(ProcessId: "Antrag", Version: 2, Status: InstanceStatus.Running), 0, 10).Items.Select(i => i.Id).ShouldBe(["i2"]);
        store.InstancesPage("t1", new InstanceQuery(BusinessKey: "AZ_1"), 0, 10).Items.Select(i => i.Id).ShouldBe(["i1"]);
        store.InstancesPage("t1", new InstanceQuery(BusinessKey: "AZ%"), 0, 10).Total.ShouldBe(0);
        store.InstancesPage("t1", new InstanceQuery(StartedFrom: T0 + Duration.FromMinutes(1), StartedTo: T0 + Duration.FromMinutes(3)), 0, 10)
            .Items.Select(i => i.Id).ShouldBe(["i2", "i1"]);
        store.InstancesPage("t1", new InstanceQuery(WithIncident: true), 0, 10).Total.ShouldBe(0);
        store.InstancesPage("t2", new InstanceQuery(), 0, 10).Total.ShouldBe(0);
    }
}
