using System.Reflection;
using System.Text.Json.Nodes;
using EGov.Workflows.Runtime.State;
using EGov.Workflows.Runtime.Store;
using EGov.Workflows.Runtime.Store.Archive;
using NodaTime;

namespace EGov.Workflows.Runtime.Tests;

/// <summary>
/// The in-memory store moves trees whose instances have all ended into an archive of compact bytes. Whatever it hands
/// back from there must be exactly what was committed, as a private copy; a later commit of an archived instance must
/// check revisions as before.
/// </summary>
public class EndedArchiveTests
{
    private static readonly Instant T0 = Instant.FromUtc(2026, 1, 5, 8, 0) + Duration.FromNanoseconds(4711);

    private static ProcessInstanceState Ended(string id, string? root = null, JsonObject? variables = null) => new()
    {
        Id = id, ProcessId = "Gewerbeanmeldung", RootInstanceId = root ?? id, ParentInstanceId = root, BusinessKey = root is null ? "GA-2026-17" : null,
        DefinitionVersion = 3, Status = InstanceStatus.Completed, StartedAt = T0, EndedAt = T0 + Duration.FromDays(12) + Duration.FromNanoseconds(3),
        Sequence = 42,
        Scopes = [new ScopeState { Id = id + ".s1", ElementId = "Gewerbeanmeldung", Kind = ScopeKind.Process, StartedAt = T0, Variables = variables ?? [] }],
        CalledInstanceIds = root is null ? [] : ["x-1"],
    };

    private static void Commit(IRuntimeStore store, params ProcessInstanceState[] states)
    {
        var changes = new RuntimeChangeSet();
        changes.Instances.AddRange(states);
        store.Commit(changes);
    }

    [Fact]
    public void AnEndedInstance_LoadsExactlyAsCommitted_WithVariablesOfEveryKind()
    {
        var store = new InMemoryRuntimeStore();
        var vars = new JsonObject
        {
            ["name"] = "Jürgen Weiß", ["gebuehr"] = 30.70m, ["gross"] = 9007199254740993L, ["flag"] = true, ["nichts"] = null,
            ["liste"] = new JsonArray(1, "zwei", new JsonObject { ["drei"] = 3 }),
        };
        var state = Ended("5947c15d0d134d6389d6d2ece6986f6a", variables: vars);
        var expected = StateCopy.Copy(state);
        expected.Revision = 1; // stored at the next revision
        Commit(store, state);

        var loaded = store.Load("default", state.Id)!;
        RuntimeJson.Serialize(loaded).ShouldBe(RuntimeJson.Serialize(expected));
        loaded.Scopes[0].Variables["name"] = "changed";                      // a private copy:
        store.Load("default", state.Id)!.Scopes[0].Variables["name"]!.GetValue<string>().ShouldBe("Jürgen Weiß");
        store.Load("muenchen", state.Id).ShouldBeNull();                      // and only for its tenant
    }

    [Fact]
    public void ATreeWithACalledInstance_KeepsItsTreeAndHistory_AfterEveryInstanceEnded()
    {
        var store = new InMemoryRuntimeStore();
        var root = Ended("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
        var child = Ended("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-bbbbbbbbbbbb", root.Id);
        child.StartedAt = T0 + Duration.FromMinutes(1);
        var changes = new RuntimeChangeSet();
        changes.Instances.AddRange([root, child]);
        changes.History.Add(new ElementInstanceRecord { Id = root.Id + ".h1", InstanceId = root.Id, RootInstanceId = root.Id, ProcessId = "P", ElementId = "start", ElementType = "startEvent", StartedAt = T0, EndedAt = T0, Completed = true, Sequence = 1 });
        changes.History.Add(new ElementInstanceRecord { Id = child.Id + ".h2", InstanceId = child.Id, RootInstanceId = root.Id, ProcessId = "Q", ElementId = "task", ElementType = "userTask", ElementName = "Prüfen", StartedAt = T0, EndedAt = T0 + Duration.FromDays(400), Completed = false, Sequence = 2 });
        changes.History.Add(new ElementInstanceRecord { Id = "fremd-7", InstanceId = root.Id, RootInstanceId = root.Id, ProcessId = "P", ElementId = "end", ElementType = "endEvent", StartedAt = T0 - Duration.FromDays(1), EndedAt = T0, Completed = true, Sequence = 3 });
        var history = changes.History.ToList();
        store.Commit(changes);

        store.InstanceTree("default", root.Id).ShouldBe([root.Id, child.Id]);
        store.History("default", root.Id).ShouldBe(history);
        store.Load("default", child.Id)!.ParentInstanceId.ShouldBe(root.Id);
    }

    [Fact]
    public void CommittingAnArchivedInstanceAgain_ChecksItsRevision_AndKeepsEverything()
    {
        var store = new InMemoryRuntimeStore();
        var state = Ended("cccccccccccccccccccccccccccccccc");
        var changes = new RuntimeChangeSet();
        changes.Instances.Add(state);
        changes.History.Add(new ElementInstanceRecord { Id = state.Id + ".h1", InstanceId = state.Id, RootInstanceId = state.Id, ProcessId = "P", ElementId = "start", ElementType = "startEvent", StartedAt = T0, EndedAt = T0, Completed = true, Sequence = 1 });
        store.Commit(changes);

        var stale = store.Load("default", state.Id)!;
        var fresh = store.Load("default", state.Id)!;
        fresh.BusinessKey = "GA-2026-18";
        Commit(store, fresh);
        Should.Throw<ConcurrencyConflictException>(() => Commit(store, stale));

        var now = store.Load("default", state.Id)!;
        now.Revision.ShouldBe(2);
        now.BusinessKey.ShouldBe("GA-2026-18");
        store.History("default", state.Id).Select(h => h.Id).ShouldBe([state.Id + ".h1"]);
    }

    [Fact]
    public void ANewInstanceWithTheIdOfAnArchivedOne_IsAConflict()
    {
        var store = new InMemoryRuntimeStore();
        Commit(store, Ended("dddddddddddddddddddddddddddddddd"));
        Should.Throw<ConcurrencyConflictException>(() => Commit(store, Ended("dddddddddddddddddddddddddddddddd")));
    }

    [Fact]
    public void AnEndedInstanceOfAnotherShape_IsKeptAsJson_AndComesBackWhole()
    {
        var store = new InMemoryRuntimeStore();
        var odd = Ended("ABCDEF"); // not an engine id: indexed by its text
        odd.Incidents.Add(new IncidentState { Id = "i1", ElementId = "t", TokenId = "t1", Message = "left over", CreatedAt = T0 });
        odd.Scopes[0].MultiInstance = new MultiInstanceState { NrOfInstances = 2, Items = new JsonArray(1, 2) };
        Commit(store, odd);

        var loaded = store.Load("default", "ABCDEF")!;
        loaded.Incidents.Single().Message.ShouldBe("left over");
        loaded.Scopes[0].MultiInstance!.Items!.Count.ShouldBe(2);
    }

    [Fact]
    public void AnInstanceWaitingOnATimer_IsKeptAsBytes_AndLoadsExactlyAsCommitted_EveryTokenAndJobField()
    {
        var store = new InMemoryRuntimeStore();
        var waiting = Ended("eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee");
        waiting.Status = InstanceStatus.Running;
        waiting.EndedAt = null;
        waiting.Tokens.Add(Filled<TokenState>());
        waiting.Jobs.Add(Filled<JobState>());
        waiting.Jobs.Add(new JobState { Id = "j-due", Kind = JobKind.Timer, ElementId = "frist", TokenId = "x-Id", DueAt = T0 + Duration.FromDays(14) });
        var expected = RuntimeJson.Serialize(waiting).Replace("\"revision\":0", "\"revision\":1");
        Commit(store, waiting);

        RuntimeJson.Serialize(store.Load("default", waiting.Id)!).ShouldBe(expected);
        store.FindDueWork("default", Instant.MaxValue, 10).Single().Id.ShouldBe("j-due"); // the other one is suspended

        var fired = store.Load("default", waiting.Id)!; // the next command: revisions are checked as for any document
        var stale = store.Load("default", waiting.Id)!;
        fired.Jobs.Clear();
        Commit(store, fired);
        Should.Throw<ConcurrencyConflictException>(() => Commit(store, stale));
        store.FindDueWork("default", Instant.MaxValue, 10).ShouldBeEmpty();
    }

    /// <summary>A state object whose every public settable property holds a non-default value.</summary>
    private static T Filled<T>() where T : new()
    {
        var o = new T();
        foreach (var p in typeof(T).GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite))
        {
            var t = Nullable.GetUnderlyingType(p.PropertyType) ?? p.PropertyType;
            object value = t == typeof(string) ? "x-" + p.Name
                : t == typeof(int) ? 7 : t == typeof(long) ? 11L : t == typeof(bool) ? true
                : t == typeof(Instant) ? T0 + Duration.FromHours(p.Name.Length)
                : t.IsEnum ? Enum.GetValues(t).GetValue(Enum.GetValues(t).Length - 1)!
                : t == typeof(JsonObject) ? new JsonObject { ["loopCounter"] = 2, ["item"] = new JsonObject { ["ä"] = "ß" } }
                : throw new InvalidOperationException($"no filler for {p.Name}");
            p.SetValue(o, value);
        }
        return o;
    }

    [Fact]
    public void TheFixedShape_CoversEveryPropertyOfTheStateClasses()
    {
        // A property added to the state without a place in the archive's fixed shape would be lost for ended instances.
        foreach (var (type, covered) in DocumentCodec.ShapeProperties)
            type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Select(p => p.Name).Order()
                .ShouldBe(covered.Order(), $"{type.Name}: add the property to DocumentCodec (written, or required empty)");
    }
}
