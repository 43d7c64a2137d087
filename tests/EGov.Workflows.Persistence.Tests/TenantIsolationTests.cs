using System.Text.Json.Nodes;
using EGov.Workflows.Runtime;
using EGov.Workflows.Runtime.State;
using EGov.Workflows.Runtime.Store;
using NodaTime;

namespace EGov.Workflows.Persistence.Tests;

public sealed class TenantIsolationTests
{
    public static TheoryData<string> Providers() => TestDatabases.Providers();

    private const string Darmstadt = "06411000";
    private const string Kassel = "06611000";

    [Theory, MemberData(nameof(Providers))]
    public void NothingOfOneTenant_IsVisibleOrChangeable_ThroughAnother(string provider)
    {
        using var db = TestDatabases.Create(provider);
        var store = db.OpenStore();
        var clock = Models.Clock();
        var darmstadt = Models.Deployed(store, clock, Models.Antrag(), Darmstadt);
        var kassel = Models.Deployed(store, clock, Models.Antrag(), Kassel);
        var id = darmstadt.StartProcess("Antrag", new JsonObject { ["name"] = "Erika" }, "AZ-1");
        var task = darmstadt.OpenUserTasks().Single();

        // Nothing is visible ...
        store.Load(Kassel, id).ShouldBeNull();
        kassel.OpenUserTasks().ShouldBeEmpty();
        kassel.OpenExternalTasks().ShouldBeEmpty();
        store.OpenIncidents(Kassel).ShouldBeEmpty();
        store.InstanceTree(Kassel, id).ShouldBeEmpty();
        store.History(Kassel, id).ShouldBeEmpty();
        Should.Throw<WorkflowCommandException>(() => kassel.GetInstance(id));

        // ... nor changeable.
        Should.Throw<WorkflowCommandException>(() => kassel.CompleteUserTask(task.Id));
        Should.Throw<WorkflowCommandException>(() => kassel.CancelInstance(id));
        Should.Throw<WorkflowCommandException>(() => kassel.SetVariables(id, new JsonObject { ["name"] = "Mallory" }));
        var foreign = store.Load(Darmstadt, id)!;
        foreign.BusinessKey = "stolen";
        var smuggled = new RuntimeChangeSet { TenantId = Kassel };
        smuggled.Instances.Add(foreign);
        Should.Throw<InvalidOperationException>(() => store.Commit(smuggled));

        // Kassel's own work is separate, and Darmstadt's instance is untouched.
        kassel.StartProcess("Antrag");
        kassel.OpenUserTasks().ShouldHaveSingleItem().InstanceId.ShouldNotBe(id);
        var mine = darmstadt.GetInstance(id);
        mine.BusinessKey.ShouldBe("AZ-1");
        mine.Variables["name"]!.GetValue<string>().ShouldBe("Erika");
        darmstadt.OpenUserTasks().ShouldHaveSingleItem().Id.ShouldBe(task.Id);
    }

    [Theory, MemberData(nameof(Providers))]
    public void DueJobsAndSubscriptions_AreFoundOnlyWithinTheirTenant(string provider)
    {
        using var db = TestDatabases.Create(provider);
        var store = db.OpenStore();
        var clock = Models.Clock();
        var darmstadt = Models.Deployed(store, clock, Models.Frist(), Darmstadt);
        Models.Deployed(store, clock, Models.Frist(), Kassel);
        darmstadt.StartProcess("Frist");

        store.FindDueWork(Darmstadt, Instant.MaxValue, 10).ShouldHaveSingleItem();
        store.FindDueWork(Kassel, Instant.MaxValue, 10).ShouldBeEmpty();
        store.NextDue(Kassel, Models.Start).ShouldBeNull();
        store.FindSubscriptions(Kassel, SubscriptionKind.Message, "x").ShouldBeEmpty();
        var jobs = store;
        jobs.AcquireDueJobs(Kassel, "node-k", Duration.FromMinutes(5), 10, Models.Start + Duration.FromDays(1)).ShouldBeEmpty();
        jobs.AcquireDueJobs(Darmstadt, "node-d", Duration.FromMinutes(5), 10, Models.Start + Duration.FromDays(1)).ShouldHaveSingleItem().TenantId.ShouldBe(Darmstadt);
    }
}
