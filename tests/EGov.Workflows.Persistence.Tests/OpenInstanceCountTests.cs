using EGov.Workflows.Runtime;

namespace EGov.Workflows.Persistence.Tests;

/// <summary>
/// (Issue 20) The count of a tenant's open instances that the open-instance quota is checked against across nodes: kept by
/// triggers in the same transaction as every start, end and deletion (migration 0032), and checked in the start's own
/// transaction, so nodes that each believe there is room cannot together pass the quota.
/// </summary>
public sealed class OpenInstanceCountTests
{
    public static TheoryData<string> Providers() => TestDatabases.Providers();

    /// <summary>An engine whose own idea of the open instances is always "none" (a node that has not counted yet).</summary>
    private static WorkflowEngine Node(EfRuntimeStore store, NodaTime.IClock clock, long quota, string tenant = "default")
    {
        var engine = new WorkflowEngine(new WorkflowEngineOptions
        {
            Store = store, Clock = clock, TenantId = tenant, InstanceQuota = new InstanceQuota(quota, () => 0, _ => { }),
        });
        engine.Deploy("model.bpmn", Models.Read(Models.Antrag()));
        return engine;
    }

    [Theory, MemberData(nameof(Providers))]
    public void TheCount_FollowsStartsEndsAndDeletions_ForEachTenant(string provider)
    {
        using var db = TestDatabases.Create(provider);
        var store = db.OpenStore();
        var clock = Models.Clock();
        var engine = Models.Deployed(store, clock, Models.Antrag());
        var other = Models.Deployed(store, clock, Models.Antrag(), "06412000");
        var first = engine.StartProcess("Antrag");
        var second = engine.StartProcess("Antrag");
        other.StartProcess("Antrag");
        store.CountOpenCases("default").ShouldBe(2);

        engine.CancelInstance(first);
        engine.CompleteUserTask(engine.OpenUserTasks(second).Single().Id, null);
        store.CountOpenCases("default").ShouldBe(1, "the completed task's case waits at its timer");
        clock.AdvanceHours(2);
        engine.RunDueJobs();
        Models.Deployed(store, clock, Models.Bescheid()).StartProcess("Bescheid"); // ends at once: never open
        store.CountOpenCases("default").ShouldBe(0, "a cancelled and a completed case are no longer open");
        store.CountOpenCases("06412000").ShouldBe(1, "each tenant has its own count");
        store.CountOpenCases("nobody").ShouldBe(0);
    }

    [Theory, MemberData(nameof(Providers))]
    public void TwoNodesThatEachSeeRoom_TogetherStartNoMoreThanTheQuota_TheRefusedStartWritesNothing(string provider)
    {
        using var db = TestDatabases.Create(provider);
        var clock = Models.Clock();
        var a = Node(db.OpenStore(), clock, quota: 3);
        var b = Node(db.OpenStore(), clock, quota: 3);
        a.StartProcess("Antrag");
        b.StartProcess("Antrag");
        var third = a.StartProcess("Antrag");

        var refused = Should.Throw<InstanceQuotaException>(() => b.StartProcess("Antrag", businessKey: "zu-viel"));

        refused.Limit.ShouldBe(3);
        refused.Used.ShouldBe(3, "counted over both nodes");
        var store = db.OpenStore();
        store.CountOpenCases("default").ShouldBe(3);
        store.InstancesPage("default", new Runtime.Store.InstanceQuery(BusinessKey: "zu-viel"), 0, 10).Total.ShouldBe(0, "nothing of the refused start was written");
        a.CancelInstance(third);
        b.StartProcess("Antrag"); // room again once a case ended
        store.CountOpenCases("default").ShouldBe(3);
    }
}
