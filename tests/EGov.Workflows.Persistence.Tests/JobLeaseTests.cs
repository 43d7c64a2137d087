using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using EGov.Workflows.Runtime.Store;
using NodaTime;

namespace EGov.Workflows.Persistence.Tests;

public sealed class JobLeaseTests
{
    public static TheoryData<string> Providers() => TestDatabases.Providers();

    private static readonly Duration Lease = Duration.FromMinutes(5);
    private static readonly Instant Due = Models.Start + Duration.FromHours(1);

    [Theory, MemberData(nameof(Providers))]
    public void Lease_HeldByOneNode_KeepsOthersOffUntilItExpires_ThenAnotherTakesOver(string provider)
    {
        using var db = TestDatabases.Create(provider);
        var node1 = db.OpenStore();
        var node2 = db.OpenStore();
        var id = Models.Deployed(node1, Models.Clock(), Models.Frist()).StartProcess("Frist");

        node1.AcquireDueJobs(null, "node-1", Lease, 10, Due - Duration.FromSeconds(1)).ShouldBeEmpty(); // not due yet
        var held = node1.AcquireDueJobs(null, "node-1", Lease, 10, Due).ShouldHaveSingleItem();
        held.Work.InstanceId.ShouldBe(id);

        node2.AcquireDueJobs(null, "node-2", Lease, 10, Due + Duration.FromMinutes(4)).ShouldBeEmpty();
        var taken = node2.AcquireDueJobs(null, "node-2", Lease, 10, Due + Lease).ShouldHaveSingleItem(); // node 1 died
        taken.Work.ShouldBe(held.Work);
        node2.LeaseOf("default", taken.Work).ShouldBe(("node-2", Due + Lease + Lease));
    }

    [Theory, MemberData(nameof(Providers))]
    public void ReleaseAll_OnShutdown_LetsAnotherNodeTakeTheJobsAtOnce(string provider)
    {
        using var db = TestDatabases.Create(provider);
        var node1 = db.OpenStore();
        var engine = Models.Deployed(node1, Models.Clock(), Models.Frist());
        engine.StartProcess("Frist");
        engine.StartProcess("Frist");
        node1.AcquireDueJobs(null, "node-1", Lease, 10, Due).Count.ShouldBe(2);

        node1.ReleaseAll("node-1").ShouldBe(2);

        db.OpenStore().AcquireDueJobs(null, "node-2", Lease, 10, Due).Count.ShouldBe(2);
    }

    [Theory, MemberData(nameof(Providers))]
    public void Lease_SurvivesACommitOfAnotherCommandOnTheSameInstance(string provider)
    {
        using var db = TestDatabases.Create(provider);
        var store = db.OpenStore();
        var engine = Models.Deployed(store, Models.Clock(), Models.Frist());
        var id = engine.StartProcess("Frist");
        var held = store.AcquireDueJobs(null, "node-1", Lease, 10, Due).ShouldHaveSingleItem();

        engine.SetVariables(id, new JsonObject { ["note"] = "Akte ergänzt" });

        store.LeaseOf("default", held.Work).Owner.ShouldBe("node-1");
        store.AcquireDueJobs(null, "node-2", Lease, 10, Due).ShouldBeEmpty();
    }

    [Theory, MemberData(nameof(Providers))]
    public void Release_WithRetryAt_KeepsEverybodyOffUntilThen(string provider)
    {
        using var db = TestDatabases.Create(provider);
        var store = db.OpenStore();
        Models.Deployed(store, Models.Clock(), Models.Frist()).StartProcess("Frist");
        var held = store.AcquireDueJobs(null, "node-1", Lease, 10, Due).ShouldHaveSingleItem();

        store.Release(held, Due + Duration.FromSeconds(30));

        store.AcquireDueJobs(null, "node-2", Lease, 10, Due + Duration.FromSeconds(10)).ShouldBeEmpty();
        store.AcquireDueJobs(null, "node-2", Lease, 10, Due + Duration.FromSeconds(30)).ShouldHaveSingleItem();
    }

    [Theory, MemberData(nameof(Providers))]
    public void TwoAcquirers_AtTheSameTime_NeverGetTheSameJob(string provider)
    {
        using var db = TestDatabases.Create(provider);
        var setup = db.OpenStore();
        var engine = Models.Deployed(setup, Models.Clock(), Models.Frist());
        const int Instances = 120;
        for (var i = 0; i < Instances; i++) engine.StartProcess("Frist");

        var taken = new ConcurrentBag<(string Node, string Job)>();
        var nodes = Enumerable.Range(1, 4).Select(n => (Name: $"node-{n}", Store: db.OpenStore())).ToList();
        using var go = new ManualResetEventSlim();
        var threads = nodes.Select(n => new Thread(() =>
        {
            go.Wait();
            while (true)
            {
                var batch = n.Store.AcquireDueJobs(null, n.Name, Lease, 7, Due);
                if (batch.Count == 0) break;
                foreach (var j in batch) taken.Add((n.Name, j.Work.InstanceId + "/" + j.Work.Id));
            }
        })).ToList();
        threads.ForEach(t => t.Start());
        go.Set();
        threads.ForEach(t => t.Join());

        taken.Count.ShouldBe(Instances);
        taken.Select(t => t.Job).Distinct().Count().ShouldBe(Instances);
    }

    [PostgresFact]
    public void PostgreSql_ConcurrentAcquirers_SkipLockedRows_AndSpreadTheWork()
    {
        using var db = TestDatabases.Create("postgres");
        var engine = Models.Deployed(db.OpenStore(), Models.Clock(), Models.Frist());
        const int Instances = 300;
        for (var i = 0; i < Instances; i++) engine.StartProcess("Frist");

        var taken = new ConcurrentBag<(string Node, string Job)>();
        var nodes = Enumerable.Range(1, 6).Select(n => (Name: $"node-{n}", Store: db.OpenStore())).ToList();
        using var go = new ManualResetEventSlim();
        var tasks = nodes.Select(n => Task.Factory.StartNew(() =>
        {
            go.Wait();
            while (true)
            {
                var batch = n.Store.AcquireDueJobs(null, n.Name, Lease, 5, Due);
                if (batch.Count == 0) break;
                foreach (var j in batch) taken.Add((n.Name, j.Work.InstanceId + "/" + j.Work.Id));
                Thread.Sleep(1); // a little work per batch
            }
        }, TaskCreationOptions.LongRunning)).ToArray();
        go.Set();
        Task.WaitAll(tasks);

        taken.Select(t => t.Job).Distinct().Count().ShouldBe(Instances);
        taken.Count.ShouldBe(Instances);
        taken.Select(t => t.Node).Distinct().Count().ShouldBeGreaterThan(1);
    }

    [Theory, MemberData(nameof(Providers))]
    public void AcquireDueJobs_ForOneTenant_LeavesOtherTenantsJobsAlone(string provider)
    {
        using var db = TestDatabases.Create(provider);
        var store = db.OpenStore();
        var clock = Models.Clock();
        Models.Deployed(store, clock, Models.Frist(), "a").StartProcess("Frist");
        Models.Deployed(store, clock, Models.Frist(), "b").StartProcess("Frist");

        store.AcquireDueJobs("a", "node-1", Lease, 10, Due).ShouldHaveSingleItem().TenantId.ShouldBe("a");
        store.AcquireDueJobs(null, "node-1", Lease, 10, Due).ShouldHaveSingleItem().TenantId.ShouldBe("b");
        store.FindDueWork("a", Due, 10).ShouldHaveSingleItem().Kind.ShouldBe(DueWorkKind.Job);
    }
}
