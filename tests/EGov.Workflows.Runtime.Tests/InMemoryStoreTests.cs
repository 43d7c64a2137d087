using EGov.Workflows.Runtime.State;
using EGov.Workflows.Runtime.Store;
using NodaTime;

namespace EGov.Workflows.Runtime.Tests;

public class InMemoryStoreTests
{
    private static readonly Instant T0 = Instant.FromUtc(2026, 1, 5, 8, 0);

    private static ProcessInstanceState Waiting(string id, Instant dueAt) => new()
    {
        Id = id, ProcessId = "P", RootInstanceId = id, StartedAt = T0,
        Jobs = [new JobState { Id = "j1", ElementId = "timer", DueAt = dueAt }],
        Subscriptions = [new SubscriptionState { Id = "s1", Kind = SubscriptionKind.Message, EventName = "Antwort", ElementId = "catch" }],
    };

    private static void Commit(IRuntimeStore store, params ProcessInstanceState[] states)
    {
        var changes = new RuntimeChangeSet();
        changes.Instances.AddRange(states);
        store.Commit(changes);
    }

    [Fact]
    public void Load_ChangesToALoadedDocument_AreInvisibleUntilCommitted()
    {
        var store = new InMemoryRuntimeStore();
        Commit(store, Waiting("a", T0));
        var mine = store.Load("default", "a")!;
        mine.Jobs.Clear();
        store.Load("default", "a")!.Jobs.Count.ShouldBe(1);
        store.FindDueWork("default", T0, 10).Count.ShouldBe(1);
        Commit(store, mine);
        store.Load("default", "a")!.Jobs.ShouldBeEmpty();
        store.FindDueWork("default", T0, 10).ShouldBeEmpty();
    }

    [Fact]
    public void Load_AddingToAnEmptyListOfOneInstance_LeavesEveryOtherInstanceEmpty()
    {
        var store = new InMemoryRuntimeStore();
        Commit(store, Waiting("a", T0), Waiting("b", T0));
        var a = store.Load("default", "a")!;
        a.CalledInstanceIds.Add("child");
        a.Incidents.Add(new IncidentState { Id = "i1", Message = "kaputt" });
        a.Scopes.ShouldBeEmpty();
        store.Load("default", "b")!.CalledInstanceIds.ShouldBeEmpty();
        store.Load("default", "b")!.Incidents.ShouldBeEmpty();
        store.OpenIncidents("default").ShouldBeEmpty();
        Commit(store, a);
        store.Load("default", "b")!.Incidents.ShouldBeEmpty();
        store.Load("default", "a")!.Incidents.Count.ShouldBe(1);
    }

    [Fact]
    public void Commit_ChangingADocumentSomeoneElseCommittedSince_Conflicts()
    {
        var store = new InMemoryRuntimeStore();
        Commit(store, Waiting("a", T0));
        var first = store.Load("default", "a")!;
        var second = store.Load("default", "a")!;
        Commit(store, first);
        first.Revision.ShouldBe(2);
        Should.Throw<ConcurrencyConflictException>(() => Commit(store, second));
        store.Load("default", "a")!.Revision.ShouldBe(2);
    }

    [Fact]
    public void Commit_ACommittedObjectChangedAfterwards_DoesNotChangeTheStore()
    {
        var store = new InMemoryRuntimeStore();
        var state = Waiting("a", T0);
        Commit(store, state);
        state.Jobs[0].DueAt = T0 + Duration.FromDays(1);
        store.FindDueWork("default", T0, 10).Count.ShouldBe(1);
    }

    [Fact]
    public void FindDueWork_IsEarliestFirst_AndStopsAtUntilAndMax()
    {
        var store = new InMemoryRuntimeStore();
        Commit(store, Waiting("late", T0 + Duration.FromMinutes(3)), Waiting("early", T0 + Duration.FromMinutes(1)), Waiting("later", T0 + Duration.FromHours(5)));
        store.FindDueWork("default", T0 + Duration.FromHours(1), 10).Select(w => w.InstanceId).ShouldBe(["early", "late"]);
        store.FindDueWork("default", T0 + Duration.FromHours(9), 1).Select(w => w.InstanceId).ShouldBe(["early"]);
        store.NextDue("default", T0).ShouldBe(T0 + Duration.FromMinutes(1));
    }

    [Fact]
    public void Queries_DoNotFindEndedInstances_ButTheTreeStillListsThem()
    {
        var store = new InMemoryRuntimeStore();
        Commit(store, Waiting("a", T0));
        store.FindSubscriptions("default", SubscriptionKind.Message, "Antwort").Count.ShouldBe(1);
        var ended = store.Load("default", "a")!;
        ended.Status = InstanceStatus.Completed;
        Commit(store, ended);
        store.FindSubscriptions("default", SubscriptionKind.Message, "Antwort").ShouldBeEmpty();
        store.FindDueWork("default", T0, 10).ShouldBeEmpty();
        store.NextDue("default", T0).ShouldBeNull();
        store.InstanceTree("default", "a").ShouldBe(["a"]);
    }

    [Fact]
    public void Queries_SeeOnlyTheirTenant()
    {
        var store = new InMemoryRuntimeStore();
        var other = Waiting("a", T0);
        other.TenantId = "amt-2";
        Commit(store, Waiting("a", T0));
        var changes = new RuntimeChangeSet { TenantId = "amt-2" };
        changes.Instances.Add(other);
        store.Commit(changes);
        store.FindDueWork("amt-2", T0, 10).Count.ShouldBe(1);
        store.FindSubscriptions("amt-2", SubscriptionKind.Message, "Antwort").Single().TenantId.ShouldBe("amt-2");
    }
}
