using EGov.Workflows.Runtime;
using EGov.Workflows.Runtime.Store;

namespace EGov.Workflows.Persistence.Tests;

/// <summary>IRuntimeStore.RunningInstances and InstanceCounts: the instances of one process definition version, on every store.</summary>
public sealed class RunningInstancesTests
{
    public static TheoryData<string> Providers() => TestDatabases.Providers();

    [Theory, MemberData(nameof(Providers))]
    public void RunningInstances_OfAVersion_OldestFirst_WithoutEndedOnesOtherVersionsOrTenants(string provider)
    {
        using var db = TestDatabases.Create(provider);
        Check(db.OpenStore());
    }

    [Fact]
    public void RunningInstances_InMemory_AnswerTheSame() => Check(new InMemoryRuntimeStore());

    private static void Check(IRuntimeStore store)
    {
        var clock = Models.Clock();
        var engine = Models.Deployed(store, clock, Models.Antrag());
        var first = engine.StartProcess("Antrag");
        clock.AdvanceMinutes(1);
        var second = engine.StartProcess("Antrag");
        var ended = engine.StartProcess("Antrag");
        engine.CancelInstance(ended);
        engine.Deploy("model.bpmn", Models.Read(Models.Antrag(taskName: "Pruefen v2")));
        var onTwo = engine.StartProcess("Antrag");
        Models.Deployed(store, clock, Models.Antrag(), "06412000").StartProcess("Antrag");

        store.RunningInstances("default", "Antrag", 1).ShouldBe([first, second]);
        store.RunningInstances("default", "Antrag", 2).ShouldBe([onTwo]);
        store.RunningInstances("default", "Antrag", 3).ShouldBeEmpty();
        store.RunningInstances("default", "Bescheid", 1).ShouldBeEmpty();
        store.RunningInstances("06412000", "Antrag", 1).Count.ShouldBe(1);

        // The catalogue's figures: running and ended per version, of this tenant only.
        store.InstanceCounts("default").OrderBy(c => c.Version).ShouldBe([new InstanceCount("Antrag", 1, 2, 1), new InstanceCount("Antrag", 2, 1, 0)]);
        store.InstanceCounts("06412000").ShouldBe([new InstanceCount("Antrag", 1, 1, 0)]);
        store.InstanceCounts("nobody").ShouldBeEmpty();
    }
}
