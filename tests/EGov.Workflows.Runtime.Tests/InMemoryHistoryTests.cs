using EGov.Workflows.Runtime.State;
using EGov.Workflows.Runtime.Store;
using NodaTime;

namespace EGov.Workflows.Runtime.Tests;

/// <summary>The in-memory store keeps element history compactly; what it hands back must be exactly what was committed.</summary>
public class InMemoryHistoryTests
{
    private static readonly Instant T0 = Instant.FromUtc(2026, 1, 5, 8, 0) + Duration.FromNanoseconds(123_456_789);

    private static ElementInstanceRecord Row(string id, string instance, string root, string element, Instant started, Instant ended,
        string tenant = "default", string? name = null, bool completed = true, long seq = 1) => new()
    {
        Id = id, TenantId = tenant, InstanceId = instance, RootInstanceId = root, ProcessId = "P", ElementId = element,
        ElementType = "serviceTask", ElementName = name, StartedAt = started, EndedAt = ended, Completed = completed, Sequence = seq,
    };

    [Fact]
    public void History_ComesBackAsCommitted_RunnerIdsForeignIdsCalledInstancesAndNanoseconds()
    {
        var store = new InMemoryRuntimeStore();
        var rows = new[]
        {
            Row("root.h1", "root", "root", "start", T0, T0),
            Row("root.h2", "root", "root", "s1", T0, T0 + Duration.FromNanoseconds(1), name: "Gebühr berechnen", seq: 2),
            Row("root-sub.h1", "root-sub", "root", "inner", T0, T0 + Duration.FromDays(3), completed: false, seq: 3),
            Row("h-twin", "root", "root", "x", T0, T0, seq: 4),        // not the runner's form: kept as given
            Row("root.h07", "root", "root", "y", T0, T0, seq: 5),      // a leading zero would not survive as a number
            Row("root.h", "root", "root", "z", T0, T0, seq: 6),
        };
        var changes = new RuntimeChangeSet();
        changes.History.AddRange(rows);
        store.Commit(changes);

        store.History("default", "root").ShouldBe(rows);
    }

    [Fact]
    public void History_KeepsInstantsFarFromNow_AndRowsOfLaterCommitsInOrder()
    {
        var store = new InMemoryRuntimeStore();
        var far = Instant.FromUtc(9000, 12, 31, 23, 59) + Duration.FromNanoseconds(7);
        var early = Instant.FromUtc(1200, 1, 1, 0, 0);
        var first = new RuntimeChangeSet();
        first.History.Add(Row("r.h1", "r", "r", "a", early, far));
        store.Commit(first);
        var second = new RuntimeChangeSet();
        for (var k = 2; k <= 9; k++) second.History.Add(Row($"r.h{k}", "r", "r", $"e{k}", T0, T0, seq: k));
        store.Commit(second);

        var read = store.History("default", "r");
        read.Select(h => h.Id).ShouldBe(Enumerable.Range(1, 9).Select(k => $"r.h{k}"));
        read[0].StartedAt.ShouldBe(early);
        read[0].EndedAt.ShouldBe(far);
    }

    [Fact]
    public void History_OfAnotherTenant_IsNotShown()
    {
        var store = new InMemoryRuntimeStore();
        var changes = new RuntimeChangeSet();
        changes.History.Add(Row("r.h1", "r", "r", "a", T0, T0, tenant: "muenchen"));
        store.Commit(changes);

        store.History("augsburg", "r").ShouldBeEmpty();
        store.History("muenchen", "r").Count.ShouldBe(1);
    }
}

public class InstanceIdTests
{
    [Fact]
    public void InstanceIds_AreVersion4Uuids_AllDifferent_AcrossRefillsAndThreads()
    {
        var ids = new System.Collections.Concurrent.ConcurrentBag<Guid>();
        Parallel.For(0, 4, _ => { for (var k = 0; k < 1000; k++) ids.Add(Execution.InstanceIds.Next()); });

        ids.Distinct().Count().ShouldBe(4000);
        foreach (var id in ids)
        {
            var text = id.ToString("D");
            text[14].ShouldBe('4');                 // version 4
            "89ab".ShouldContain(text[19]);          // RFC 4122 variant
        }
        Execution.InstanceIds.New().ShouldMatch("^[0-9a-f]{32}$");
    }
}
