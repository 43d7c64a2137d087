using EGov.Workflows.Persistence.Deployments;
using EGov.Workflows.Runtime;

namespace EGov.Workflows.Persistence.Tests;

public sealed class DeploymentVersioningTests
{
    public static TheoryData<string> Providers() => TestDatabases.Providers();

    [Theory, MemberData(nameof(Providers))]
    public void Deploy_UnchangedModel_KeepsItsVersion_ChangedModel_BecomesTheNext(string provider)
    {
        using var db = TestDatabases.Create(provider);
        var store = db.OpenStore();
        var engine = Models.Engine(store, Models.Clock());
        var deployments = new DurableDeployments(store);

        deployments.Deploy(engine, "antrag.bpmn", Models.Read(Models.Antrag())).ShouldHaveSingleItem().Version.ShouldBe(1);
        deployments.Deploy(engine, "antrag.bpmn", Models.Read(Models.Antrag())).ShouldHaveSingleItem().Version.ShouldBe(1);
        var reindented = Models.Antrag().Replace("\n", "\n   ", StringComparison.Ordinal);
        deployments.Deploy(engine, "antrag.bpmn", Models.Read(reindented)).ShouldHaveSingleItem().Version.ShouldBe(1);
        deployments.Deploy(engine, "antrag.bpmn", Models.Read(Models.Antrag("Antrag pruefen"))).ShouldHaveSingleItem().Version.ShouldBe(2);
        deployments.Deploy(engine, "antrag.bpmn", Models.Read(Models.Antrag())).ShouldHaveSingleItem().Version.ShouldBe(3); // changed again

        deployments.List("default").Select(d => d.Version).ShouldBe([1, 2, 3]);
        engine.Deployed().ShouldHaveSingleItem().Version.ShouldBe(3);
    }

    [Theory, MemberData(nameof(Providers))]
    public void RunningInstances_StayOnTheirVersion_AcrossARestart_WhileNewOnesStartOnTheLatest(string provider)
    {
        using var db = TestDatabases.Create(provider);
        var clock = Models.Clock();
        var store = db.OpenStore();
        var engine = Models.Engine(store, clock);
        var deployments = new DurableDeployments(store);
        deployments.Deploy(engine, "antrag.bpmn", Models.Read(Models.Antrag()));
        var onFirst = engine.StartProcess("Antrag");
        deployments.Deploy(engine, "antrag.bpmn", Models.Read(Models.Antrag("Antrag pruefen")));
        var onSecond = engine.StartProcess("Antrag");

        // Restart: new store object, new engine; the stored versions come back.
        var store2 = db.OpenStore();
        var restarted = Models.Engine(store2, clock);
        new DurableDeployments(store2).Restore(restarted).ShouldBe(2);

        restarted.GetInstance(onFirst).Version.ShouldBe(1);
        restarted.GetInstance(onSecond).Version.ShouldBe(2);
        restarted.OpenUserTasks(onFirst).ShouldHaveSingleItem().Name.ShouldBe("Pruefen");
        restarted.OpenUserTasks(onSecond).ShouldHaveSingleItem().Name.ShouldBe("Antrag pruefen");
        restarted.CompleteUserTask(restarted.OpenUserTasks(onFirst).Single().Id);
        restarted.GetInstance(onFirst).Waiting.ShouldBe(["Warten"]);
        restarted.GetInstance(restarted.StartProcess("Antrag")).Version.ShouldBe(2);
        new DurableDeployments(store2).Deploy(restarted, "antrag.bpmn", Models.Read(Models.Antrag("Antrag pruefen"))).Single().Version.ShouldBe(2);
    }

    [Theory, MemberData(nameof(Providers))]
    public void TwoNodesDeployingTheSameModelAtOnce_BothRunItAsVersion1(string provider)
    {
        using var db = TestDatabases.Create(provider);
        var storeA = db.OpenStore();
        var storeB = db.OpenStore();
        var engineA = Models.Engine(storeA, Models.Clock());
        var engineB = Models.Engine(storeB, Models.Clock());
        // Node A stores its version after node B looked for the latest one and before B stores its own (B reads its clock in between).
        var racing = new RacingClock(() => new DurableDeployments(storeA).Deploy(engineA, "antrag.bpmn", Models.Read(Models.Antrag())));

        new DurableDeployments(storeB, racing).Deploy(engineB, "antrag.bpmn", Models.Read(Models.Antrag())).ShouldHaveSingleItem().Version.ShouldBe(1);

        racing.Raced.ShouldBeTrue();
        new DurableDeployments(storeA).List("default").ShouldHaveSingleItem().Version.ShouldBe(1);
        engineA.Deployed().ShouldHaveSingleItem().Version.ShouldBe(1);
        engineB.GetInstance(engineB.StartProcess("Antrag")).Version.ShouldBe(1);
    }

    /// <summary>
    /// Nodes started together deploy the same processes folder at the same moment (a cluster restart). Each node lists the
    /// stored versions once per attempt: a version another node stores between two reads of the list must not be one the
    /// node then reports as kept but does not run (it answered with an unnamed file, and the start stopped).
    /// </summary>
    [Theory, MemberData(nameof(Providers))]
    public async Task NodesDeployingTheSameFolderAtOnce_EachRunsEveryModel_AsTheSameVersion_FromItsFile(string provider)
    {
        using var db = TestDatabases.Create(provider);
        var files = new[] { ("a/antrag.bpmn", Models.Antrag()), ("b/bescheid.bpmn", Models.Bescheid()), ("c/frist.bpmn", Models.Frist()) };
        for (var round = 0; round < 15; round++)
        {
            var tenant = $"t{round}";
            var nodes = Enumerable.Range(0, 3).Select(_ => { var store = db.OpenStore(); return (Store: store, Engine: Models.Engine(store, Models.Clock(), tenant)); }).ToList();
            using var go = new Barrier(nodes.Count);
            var deploys = nodes.Select(n => Task.Run(() =>
            {
                go.SignalAndWait();
                return new DurableDeployments(n.Store).Deploy(n.Engine, files.Select(f => (f.Item1, Models.Read(f.Item2))));
            })).ToList();
            var results = await Task.WhenAll(deploys);

            foreach (var result in results)
                result.Select(d => $"{d.ProcessId} {d.Version} {d.File}").Order(StringComparer.Ordinal).ToList()
                    .ShouldBe(["Antrag 1 a/antrag.bpmn", "Bescheid 1 b/bescheid.bpmn", "Frist 1 c/frist.bpmn"], customMessage: $"round {round}");
            foreach (var (_, engine) in nodes) engine.GetInstance(engine.StartProcess("Antrag")).Version.ShouldBe(1);
        }
    }

    private sealed class RacingClock(Action race) : NodaTime.IClock
    {
        public bool Raced { get; private set; }

        public NodaTime.Instant GetCurrentInstant()
        {
            if (!Raced) { Raced = true; race(); }
            return NodaTime.Instant.FromUtc(2026, 11, 28, 12, 0);
        }
    }

    [Theory, MemberData(nameof(Providers))]
    public void Deploy_OfARefusedModel_StoresNothing(string provider)
    {
        using var db = TestDatabases.Create(provider);
        var store = db.OpenStore();
        var engine = Models.Engine(store, Models.Clock());
        var deployments = new DurableDeployments(store);
        var broken = Models.Frist().Replace("</timeDuration></timerEventDefinition>",
            "</timeDuration></timerEventDefinition><signalEventDefinition />", StringComparison.Ordinal); // two event definitions: refused

        Should.Throw<DeploymentException>(() => deployments.Deploy(engine, "frist.bpmn", Models.Read(broken)));

        deployments.List("default").ShouldBeEmpty();
    }

    [Theory]
    [InlineData("180", 180)]
    [InlineData("P180D", 180)]
    [InlineData("P2W", 14)]
    [InlineData("P6M", 186)]
    [InlineData("P1Y", 366)]
    [InlineData("", null)]
    [InlineData("PT5H", null)]
    [InlineData("bald", null)]
    public void HistoryTimeToLive_ReadsDaysOrIsoPeriods_NeverShorterThanStated(string text, int? days) =>
        HistoryTimeToLive.Days(text).ShouldBe(days);

    [Theory, MemberData(nameof(Providers))]
    public void TheStoredModelSize_CountsBytes_NotCharacters_ForMultibyteText(string provider)
    {
        using var db = TestDatabases.Create(provider);
        var store = db.OpenStore();
        var engine = Models.Engine(store, Models.Clock());
        var deployments = new DurableDeployments(store);
        var xml = Models.Antrag(string.Concat(Enumerable.Repeat("Prüfung äöü ß € 東京 ", 200)));

        deployments.Deploy(engine, "antrag.bpmn", Models.Read(xml));

        var stored = store.DeploymentXml("default", "Antrag", 1)!; // the model as written (the writer's serialization)
        var bytes = System.Text.Encoding.UTF8.GetByteCount(stored);
        bytes.ShouldBeGreaterThan(stored.Length + 2000, "the model is mostly multibyte text");
        deployments.StoredSize("default").ShouldBe(bytes);
    }
}
