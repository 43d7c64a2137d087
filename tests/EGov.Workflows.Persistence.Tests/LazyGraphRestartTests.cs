using System.Text.Json.Nodes;
using EGov.Workflows.Persistence.Deployments;
using EGov.Workflows.Runtime;
using NodaTime;

namespace EGov.Workflows.Persistence.Tests;

/// <summary>
/// Issue 15: a restarted node deploys the stored versions by their outlines (start triggers, validity) and builds a
/// version's executable graph only when it is used. Messages, signals, start timers and start conditions still start
/// instances of versions whose graphs were never built; versions stored by an older build (no start triggers in their
/// outline) are read once and their outline completed; and deploying after such a restart still refuses what it refused.
/// </summary>
public sealed class LazyGraphRestartTests
{
    public static TheoryData<string> Providers() => TestDatabases.Providers();

    private static string Process(string id, string start, string extra = "") => Models.Head + $"""
          {extra}
          <process id="{id}" isExecutable="true">
            {start}
            <userTask id="Bearbeiten" />
            <sequenceFlow id="f1" sourceRef="Start" targetRef="Bearbeiten" />
          </process>
        </definitions>
        """;

    private static readonly (string File, string Xml)[] Files =
    [
        ("meldung.bpmn", Process("Meldung", """<startEvent id="Start"><messageEventDefinition messageRef="Msg_Geburt" /></startEvent>""",
            """<message id="Msg_Geburt" name="GeburtGemeldet" />""")),
        ("nachricht.bpmn", Process("Nachricht", """<startEvent id="Start"><messageEventDefinition messageRef="Msg_Umzug" /></startEvent>""",
            """<message id="Msg_Umzug" name="UmzugGemeldet" />""")),
        ("warnung.bpmn", Process("Warnung", """<startEvent id="Start"><signalEventDefinition signalRef="Sig_Unwetter" /></startEvent>""",
            """<signal id="Sig_Unwetter" name="Unwetter" />""")),
        ("erinnerung.bpmn", Process("Erinnerung",
            """<startEvent id="Start"><timerEventDefinition><timeDate>2026-03-02T09:00:00Z</timeDate></timerEventDefinition></startEvent>""")),
        ("schwelle.bpmn", Process("Schwelle",
            """<startEvent id="Start"><conditionalEventDefinition><condition xsi:type="tFormalExpression">${betrag > 100}</condition></conditionalEventDefinition></startEvent>""")),
        ("antrag.bpmn", Process("Antrag", """<startEvent id="Start" />""")),
    ];

    private static readonly string[] Ids = ["Meldung", "Nachricht", "Warnung", "Erinnerung", "Schwelle", "Antrag"];

    private static (EfRuntimeStore Store, WorkflowEngine Engine) Start(TestDatabase db, IClock clock)
    {
        var store = db.OpenStore();
        var engine = Models.Engine(store, clock);
        new DurableDeployments(store, clock).Restore(engine).ShouldBe(Ids.Length);
        return (store, engine);
    }

    private static void DeployAll(TestDatabase db, IClock clock)
    {
        var store = db.OpenStore();
        new DurableDeployments(store, clock).Deploy(Models.Engine(store, clock), Files.Select(f => (f.File, Models.Read(f.Xml))))
            .Select(d => d.Version).ShouldAllBe(v => v == 1);
    }

    private static string[] Built(WorkflowEngine engine) => Ids.Where(id => engine.IsGraphBuilt(id, 1)).ToArray();

    [Theory, MemberData(nameof(Providers))]
    public void ARestartedNode_StartsByMessageSignalTimerAndCondition_BuildingOnlyTheGraphsItUses(string provider)
    {
        using var db = TestDatabases.Create(provider);
        var clock = Models.Clock();
        DeployAll(db, clock);

        var (store, engine) = Start(db, clock);
        Built(engine).ShouldBeEmpty(); // nothing read at start
        engine.Deployed().Select(d => d.ProcessId).Order(StringComparer.Ordinal).ShouldBe(Ids.Order(StringComparer.Ordinal)); // listed from the outlines
        Built(engine).ShouldBeEmpty();

        engine.GetInstance(engine.StartProcessByMessage("GeburtGemeldet")).ProcessId.ShouldBe("Meldung");
        Built(engine).ShouldBe(["Meldung"]);
        engine.CorrelateMessage("UmzugGemeldet").ShouldBe(1);
        Built(engine).ShouldBe(["Meldung", "Nachricht"]);
        engine.BroadcastSignal("Unwetter").ShouldBe(1);
        Built(engine).ShouldBe(["Meldung", "Nachricht", "Warnung"]);
        engine.EvaluateStartConditions(new JsonObject { ["betrag"] = 50 }).ShouldBeEmpty();
        var started = engine.EvaluateStartConditions(new JsonObject { ["betrag"] = 500 }).ShouldHaveSingleItem();
        engine.GetInstance(started).ProcessId.ShouldBe("Schwelle");
        Built(engine).ShouldBe(["Meldung", "Nachricht", "Warnung", "Schwelle"]);

        // The start timer was scheduled when the version was deployed; it fires on the restarted node from its outline's version.
        clock.Advance(Duration.FromHours(2));
        var due = store.FindDueWork("default", clock.GetCurrentInstant(), 10).ShouldHaveSingleItem();
        engine.ExecuteDueWork(due);
        Built(engine).ShouldBe(["Meldung", "Nachricht", "Warnung", "Erinnerung", "Schwelle"]);
        CommitTests.CountRows(db, "instances").ShouldBe(5);
        engine.IsGraphBuilt("Antrag", 1).ShouldBeFalse(); // never used: never read

        // Unknown names start nothing, and build nothing.
        engine.CorrelateMessage("Unbekannt").ShouldBe(0);
        engine.BroadcastSignal("Unbekannt").ShouldBe(0);
        Should.Throw<WorkflowNotFoundException>(() => engine.StartProcessByMessage("Unbekannt"));
        engine.IsGraphBuilt("Antrag", 1).ShouldBeFalse();
    }

    [Theory, MemberData(nameof(Providers))]
    public void VersionsStoredByAnOlderBuild_AreBuiltOnce_AndTheirOutlineCompleted(string provider)
    {
        using var db = TestDatabases.Create(provider);
        var clock = Models.Clock();
        DeployAll(db, clock);
        // An older build kept no start triggers (and before 0038 no outline at all).
        using (var conn = Schema.SchemaMigrator.Open(db.Options))
        using (var cmd = conn.CreateCommand())
        {
            cmd.CommandText = "UPDATE deployments SET outline = NULL";
            cmd.ExecuteNonQuery().ShouldBe(Ids.Length);
        }

        var (_, upgraded) = Start(db, clock);
        Built(upgraded).ShouldBe(Ids); // read and built once to learn their start triggers
        upgraded.GetInstance(upgraded.StartProcessByMessage("GeburtGemeldet")).ProcessId.ShouldBe("Meldung");

        var (store, engine) = Start(db, clock);
        Built(engine).ShouldBeEmpty(); // the outline is complete now
        DeploymentOutline.FromJson(new DurableDeployments(store).List("default").Single(d => d.ProcessId == "Warnung").Outline).ShouldNotBeNull()
            .Engine.ShouldNotBeNull().Starts.ShouldHaveSingleItem().ShouldBe(new StartTrigger(StartTriggerKind.Signal, "Start", "Unwetter"));
        engine.BroadcastSignal("Unwetter").ShouldBe(1);
        Built(engine).ShouldBe(["Warnung"]);
    }

    [Theory, MemberData(nameof(Providers))]
    public void AfterALazyRestart_ABrokenOrOverlappingModelIsStillRefused_AndAChangedOneBecomesTheNextVersion(string provider)
    {
        using var db = TestDatabases.Create(provider);
        var clock = Models.Clock();
        var store0 = db.OpenStore();
        var first = Models.Read(Process("Gesetz", """<startEvent id="Start" />""").Replace("<process id=\"Gesetz\"",
            "<process id=\"Gesetz\" xmlns:egov=\"https://egov-workflows.de/schema/bpmn/1.0\" egov:validFrom=\"2026-01-01\" egov:validTo=\"2026-06-30\"", StringComparison.Ordinal));
        new DurableDeployments(store0, clock).Deploy(Models.Engine(store0, clock), "gesetz.bpmn", first).ShouldHaveSingleItem().Version.ShouldBe(1);

        var store = db.OpenStore();
        var engine = Models.Engine(store, clock);
        var deployments = new DurableDeployments(store, clock);
        deployments.Restore(engine).ShouldBe(1);
        engine.IsGraphBuilt("Gesetz", 1).ShouldBeFalse();

        // Overlapping the lazily restored version's validity (known from its outline): refused, nothing stored.
        var overlapping = Models.Read(Process("Gesetz", """<startEvent id="Start" />""", "").Replace("<process id=\"Gesetz\"",
            "<process id=\"Gesetz\" xmlns:egov=\"https://egov-workflows.de/schema/bpmn/1.0\" egov:validFrom=\"2026-06-01\"", StringComparison.Ordinal));
        Should.Throw<DeploymentException>(() => deployments.Deploy(engine, "gesetz.bpmn", overlapping))
            .Messages.ShouldContain(m => m.Contains("overlaps version", StringComparison.Ordinal));
        deployments.List("default").ShouldHaveSingleItem();

        // A model the runtime cannot run (an activity no pack provides): refused with its problem, nothing stored.
        var broken = Models.Read(Process("Gesetz", """<startEvent id="Start" />""").Replace("<userTask id=\"Bearbeiten\" />",
            "<serviceTask id=\"Bearbeiten\" xmlns:egov=\"https://egov-workflows.de/schema/bpmn/1.0\" egov:activity=\"gibt-es-nicht\" />", StringComparison.Ordinal));
        Should.Throw<DeploymentException>(() => deployments.Deploy(engine, "gesetz.bpmn", broken))
            .Messages.ShouldContain(m => m.Contains("gibt-es-nicht", StringComparison.Ordinal));
        deployments.List("default").ShouldHaveSingleItem();

        // A fitting successor: version 2, beside the untouched version 1.
        var next = Models.Read(Process("Gesetz", """<startEvent id="Start" />""").Replace("<process id=\"Gesetz\"",
            "<process id=\"Gesetz\" xmlns:egov=\"https://egov-workflows.de/schema/bpmn/1.0\" egov:validFrom=\"2026-07-01\"", StringComparison.Ordinal));
        deployments.Deploy(engine, "gesetz.bpmn", next).ShouldHaveSingleItem().Version.ShouldBe(2);
        engine.GetInstance(engine.StartProcessAs(null, "Gesetz", applicationDate: new LocalDate(2026, 3, 1))).Version.ShouldBe(1); // built now
        engine.GetInstance(engine.StartProcessAs(null, "Gesetz", applicationDate: new LocalDate(2026, 8, 1))).Version.ShouldBe(2);
    }
}
