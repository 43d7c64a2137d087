using EGov.Workflows.Bpmn.Reading;
using EGov.Workflows.Model;
using EGov.Workflows.Runtime.Store;

namespace EGov.Workflows.Runtime.Tests;

/// <summary>
/// Issue 15: versions deployed by their outline (<see cref="WorkflowEngine.DeployStored"/>) build their executable graph on
/// first use, keep at most <see cref="WorkflowEngineOptions.GraphCacheCapacity"/> graphs, build again what was dropped, and
/// build once when many threads use a version for the first time together.
/// </summary>
public sealed class LazyGraphTests
{
    private static string Body(string id) => $"""
        <process id="{id}" isExecutable="true">
          <startEvent id="S" />
          <sequenceFlow id="f1" sourceRef="S" targetRef="T" />
          <userTask id="T" name="Prüfen" />
        </process>
        """;

    private static Definitions Read(string id) =>
        new BpmnReader().ReadString(Harness.Head + Body(id) + "</definitions>", $"{id}.bpmn").Definitions.ShouldNotBeNull();

    private static VersionOutline Outline(string id)
    {
        // The outline as a durable store keeps it: taken from the same model deployed once, eagerly.
        var probe = new WorkflowEngine();
        probe.Deploy($"{id}.bpmn", Read(id));
        return probe.Outline(id, 1).ShouldNotBeNull();
    }

    private static (WorkflowEngine Engine, int[] Loads) Engine(int processes, int capacity, int delayMs = 0)
    {
        var engine = new WorkflowEngine(new WorkflowEngineOptions { Store = new InMemoryRuntimeStore(), GraphCacheCapacity = capacity });
        var loads = new int[processes];
        var versions = Enumerable.Range(0, processes).Select(i => new StoredVersion($"P{i}", 1, $"P{i}.bpmn", $"hash-{i}", Outline($"P{i}"), () =>
        {
            Interlocked.Increment(ref loads[i]);
            if (delayMs > 0) Thread.Sleep(delayMs);
            return Read($"P{i}");
        })).ToList();
        engine.DeployStored(versions).ShouldBe(processes);
        return (engine, loads);
    }

    [Fact]
    public void StoredVersions_AreBuiltOnFirstUse_AndAtMostTheCapacityStayInMemory()
    {
        var (engine, loads) = Engine(processes: 6, capacity: 2);
        loads.Sum().ShouldBe(0);
        engine.Deployed().Count.ShouldBe(6); // listed from the outlines
        engine.VersionSource("P3", 1).ShouldBe("hash-3");
        loads.Sum().ShouldBe(0);

        var first = engine.StartProcess("P0");
        loads.ShouldBe([1, 0, 0, 0, 0, 0]);
        engine.OpenUserTasks(first).ShouldHaveSingleItem().Name.ShouldBe("Prüfen");
        loads[0].ShouldBe(1); // still in memory

        for (var i = 1; i < 6; i++) engine.StartProcess($"P{i}");
        loads.ShouldAllBe(n => n == 1);
        Enumerable.Range(0, 6).Count(i => engine.IsGraphBuilt($"P{i}", 1)).ShouldBeLessThanOrEqualTo(2);

        // Dropped graphs are built again when an instance of their version continues.
        engine.IsGraphBuilt("P0", 1).ShouldBeFalse();
        engine.CompleteUserTask(engine.OpenUserTasks(first).Single().Id);
        engine.GetInstance(first).State.ShouldBe(InstanceState.Completed);
        loads[0].ShouldBe(2);
    }

    [Fact]
    public void ConcurrentFirstUses_BuildTheGraphOnce()
    {
        var (engine, loads) = Engine(processes: 1, capacity: 4, delayMs: 50);
        using var go = new Barrier(8);
        var ids = new string[8];
        var threads = Enumerable.Range(0, 8).Select(t => new Thread(() =>
        {
            go.SignalAndWait();
            ids[t] = engine.StartProcess("P0");
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());

        loads[0].ShouldBe(1);
        ids.Distinct().Count().ShouldBe(8);
        ids.ShouldAllBe(id => engine.GetInstance(id).Waiting.Single() == "T");
    }

    [Fact]
    public void AStoredVersionWhoseModelIsGone_FailsItsCommand_NotTheStart()
    {
        var engine = new WorkflowEngine(new WorkflowEngineOptions { Store = new InMemoryRuntimeStore() });
        engine.DeployStored([new StoredVersion("P0", 1, "P0.bpmn", null, Outline("P0"), () => throw new DeploymentException("P0.bpmn: stored model cannot be read"))]).ShouldBe(1);
        Should.Throw<DeploymentException>(() => engine.StartProcess("P0")).Message.ShouldContain("cannot be read");
        engine.IsGraphBuilt("P0", 1).ShouldBeFalse();
    }
}
