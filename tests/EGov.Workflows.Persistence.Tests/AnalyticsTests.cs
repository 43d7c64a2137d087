using EGov.Workflows.Persistence.Analytics;
using EGov.Workflows.Runtime;
using NodaTime;

namespace EGov.Workflows.Persistence.Tests;

/// <summary>
/// KVP analytics (issue 11 item 6) against histories computed by hand: a loop back through a gateway, a parallel
/// multi-instance task, a cancelled instance, an incident; medians and p90 by nearest rank.
/// </summary>
public sealed class AnalyticsTests
{
    public static TheoryData<string> Providers() => TestDatabases.Providers();

    private static System.Text.Json.Nodes.JsonObject Obj(string json) => System.Text.Json.Nodes.JsonNode.Parse(json)!.AsObject();

    /// <summary>Prüfen (a user task) → Entscheidung: ok → Anhörung (two parallel inner instances) → Ende; not ok → Prüfen again.</summary>
    private static readonly string Kvp = Models.Head + """
          <process id="Kvp" isExecutable="true">
            <startEvent id="Start" />
            <userTask id="Pruefen" name="Prüfen" camunda:candidateGroups="team" />
            <exclusiveGateway id="GW" name="Vollständig?" />
            <userTask id="Anhoeren" name="Anhören" camunda:candidateGroups="team">
              <multiInstanceLoopCharacteristics><loopCardinality>2</loopCardinality></multiInstanceLoopCharacteristics>
            </userTask>
            <endEvent id="Ende" />
            <sequenceFlow id="f1" sourceRef="Start" targetRef="Pruefen" />
            <sequenceFlow id="f2" sourceRef="Pruefen" targetRef="GW" />
            <sequenceFlow id="f_ok" sourceRef="GW" targetRef="Anhoeren"><conditionExpression>${ok}</conditionExpression></sequenceFlow>
            <sequenceFlow id="f_nochmal" sourceRef="GW" targetRef="Pruefen"><conditionExpression>${ok == false}</conditionExpression></sequenceFlow>
            <sequenceFlow id="f3" sourceRef="Anhoeren" targetRef="Ende" />
          </process>
        </definitions>
        """;

    private static readonly string Kaputt = Models.Head + """
          <process id="Kaputt" isExecutable="true">
            <startEvent id="S" /><sequenceFlow id="k1" sourceRef="S" targetRef="T" />
            <scriptTask id="T" scriptFormat="javascript"><script>throw new Error('kaputt');</script></scriptTask>
          </process>
        </definitions>
        """;

    private static Duration Min(long m) => Duration.FromMinutes(m);

    private static long Ms(long minutes) => minutes * 60_000;

    [Theory, MemberData(nameof(Providers))]
    public void Figures_OfAHandComputedHistory_WithLoopMultiInstanceCancellationAndIncident(string provider)
    {
        using var db = TestDatabases.Create(provider);
        var store = db.OpenStore();
        var clock = Models.Clock();
        var engine = Models.Deployed(store, clock, Kvp);
        engine.Deploy("kaputt.bpmn", Models.Read(Kaputt));
        var t0 = clock.GetCurrentInstant();
        void At(long minutes) => clock.Reset(t0 + Min(minutes));
        string Task(string instance, string element) => engine.OpenUserTasks(instance).First(t => t.ElementId == element).Id;

        var a = engine.StartProcess("Kvp");
        var b = engine.StartProcess("Kvp");
        var c = engine.StartProcess("Kvp");
        At(10); engine.ClaimUserTask(Task(a, "Pruefen"), "anna");
        At(20); engine.ClaimUserTask(Task(b, "Pruefen"), "ben");
        At(30); engine.CompleteUserTask(Task(a, "Pruefen"), Obj("""{"ok": false}"""), "anna");   // A loops back: Prüfen 30 min
        At(35); engine.ClaimUserTask(Task(a, "Pruefen"), "anna");
        At(40); engine.CompleteUserTask(Task(b, "Pruefen"), Obj("""{"ok": true}"""), "ben");      // B: Prüfen 40 min
        At(50); engine.CompleteUserTask(Task(a, "Pruefen"), Obj("""{"ok": true}"""), "anna");     // A: Prüfen again 20 min
        At(60); engine.CancelInstance(c);                                                          // C: Prüfen cancelled after 60 min
        var broken = engine.StartProcess("Kaputt");                                                // an incident at T
        At(70); engine.CompleteUserTask(engine.OpenUserTasks(b).First().Id, null, "ben");          // B: Anhören 30 min
        At(80);
        foreach (var open in engine.OpenUserTasks(a)) engine.CompleteUserTask(open.Id, null, "anna");   // A: Anhören 30, 30 min; A ends (80)
        At(100); engine.CompleteUserTask(engine.OpenUserTasks(b).Single().Id, null, "ben");       // B: Anhören 60 min; B ends (100)
        engine.CancelInstance(broken);

        var analytics = new SqlProcessAnalytics(db.Options, DateTimeZoneProviders.Tzdb["Europe/Berlin"]);
        var day = new LocalDate(2026, 3, 2);
        var f = analytics.Figures(new AnalyticsQuery("default", "Kvp", 1, day, day));

        (f.Started, f.Completed, f.Cancelled).ShouldBe((3L, 2L, 1L));
        f.LeadTime.ShouldBe(new DurationStats(2, Ms(80), Ms(100)));
        var e = f.Elements.ToDictionary(x => x.ElementId);
        e["Pruefen"].Count.ShouldBe(4);                                              // 30, 20, 40, 60 (cancelled)
        e["Pruefen"].Cancelled.ShouldBe(1);
        e["Pruefen"].Duration.ShouldBe(new DurationStats(4, Ms(30), Ms(60)));
        e["Pruefen"].ClaimWait.ShouldBe(new DurationStats(3, Ms(10), Ms(20)));     // 10, 20, 5; C was never claimed
        e["Anhoeren"].Duration.ShouldBe(new DurationStats(4, Ms(30), Ms(60)));     // 30, 30 (A), 30, 60 (B)
        e["Anhoeren#multiInstanceBody"].Duration.ShouldBe(new DurationStats(2, Ms(30), Ms(60)));
        e["GW"].Count.ShouldBe(3);
        e["Start"].Count.ShouldBe(3);
        e["Ende"].Count.ShouldBe(2);
        f.FlowsTaken["f_ok"].ShouldBe(2);
        f.FlowsTaken["f_nochmal"].ShouldBe(1);
        f.FlowsTaken["f1"].ShouldBe(3);
        f.FlowsTaken["f2"].ShouldBe(3);
        f.FlowsTaken["f3"].ShouldBe(2);
        f.Weeks.ShouldHaveSingleItem().ShouldBe(new WeekFigures(day, new DurationStats(2, Ms(80), Ms(100))));

        var k = analytics.Figures(new AnalyticsQuery("default", "Kaputt", null, day, day));
        (k.Started, k.Completed, k.Cancelled).ShouldBe((1L, 0L, 1L));
        k.LeadTime.ShouldBe(DurationStats.None);
        var t = k.Elements.Single(x => x.ElementId == "T");
        (t.Incidents, t.Count, t.Cancelled).ShouldBe((1L, 1L, 1L));

        // Another tenant sees nothing of it; a period without instances is zeros, with its (empty) weeks.
        analytics.Figures(new AnalyticsQuery("other", "Kvp", null, day, day)).Elements.ShouldBeEmpty();
        var empty = analytics.Figures(new AnalyticsQuery("default", "Kvp", 1, new LocalDate(2026, 1, 5), new LocalDate(2026, 1, 18)));
        (empty.Started, empty.Completed, empty.Cancelled, empty.LeadTime).ShouldBe((0L, 0L, 0L, DurationStats.None));
        empty.Elements.ShouldBeEmpty();
        empty.FlowsTaken.ShouldBeEmpty();
        empty.Weeks.Select(w => w.WeekStart).ShouldBe([new LocalDate(2026, 1, 5), new LocalDate(2026, 1, 12)]);
    }

    /// <summary>Prüfen has its own Frist of three days (egov:frist), the case goes on when it is done.</summary>
    private static readonly string MitFrist = Models.Head + """
          <process id="MitFrist" isExecutable="true" xmlns:egov="https://egov-workflows.de/schema/bpmn/1.0">
            <startEvent id="Start" />
            <userTask id="Pruefen" name="Prüfen" camunda:candidateGroups="team" egov:frist="P3D" />
            <endEvent id="Ende" />
            <sequenceFlow id="f1" sourceRef="Start" targetRef="Pruefen" />
            <sequenceFlow id="f2" sourceRef="Pruefen" targetRef="Ende" />
          </process>
        </definitions>
        """;

    [Theory, MemberData(nameof(Providers))]
    public void MissedFristen_CountEveryElementCompletedAfterItsFrist_AndEveryTaskStillOpenAfterIt_NotOnlyFristTimers(string provider)
    {
        using var db = TestDatabases.Create(provider);
        var store = db.OpenStore();
        var clock = Models.Clock();
        var engine = Models.Deployed(store, clock, MitFrist);
        var t0 = clock.GetCurrentInstant();
        string Task(string instance) => engine.OpenUserTasks(instance).Single().Id;

        var inTime = engine.StartProcess("MitFrist");
        var late = engine.StartProcess("MitFrist");
        engine.StartProcess("MitFrist");                                   // still open when the Frist has passed
        clock.Reset(t0 + Duration.FromDays(1));
        engine.CompleteUserTask(Task(inTime), null, "anna");                // within its Frist
        clock.Reset(t0 + Duration.FromDays(10));
        engine.CompleteUserTask(Task(late), null, "anna");                  // after its Frist (three days, from a Monday)
        var notYet = engine.StartProcess("MitFrist");                       // open, its Frist still running

        var analytics = new SqlProcessAnalytics(db.Options, DateTimeZoneProviders.Tzdb["Europe/Berlin"], clock);
        var f = analytics.Figures(new AnalyticsQuery("default", "MitFrist", null, new LocalDate(2026, 3, 1), new LocalDate(2026, 3, 31)));
        var pruefen = f.Elements.Single(x => x.ElementId == "Pruefen");
        pruefen.Count.ShouldBe(2);
        pruefen.FristenMissed.ShouldBe(1);
        pruefen.FristenOpenPast.ShouldBe(1);
        engine.OpenUserTasks(notYet).ShouldHaveSingleItem();
        f.Elements.Single(x => x.ElementId == "Ende").FristenMissed.ShouldBe(0);
    }

    /// <summary>
    /// The case has its own Frist of five days (egov:frist on the process); it waits at a receive task with a Frist of three
    /// days for the Unterlagen. Started on Monday 2 March: the receive task's Frist ends Thursday 5 March, the case's
    /// Saturday 7 March, moved to Monday 9 March (§193 BGB).
    /// </summary>
    private static readonly string MitVorgangsfrist = Models.Head + """
          <message id="M" name="Unterlagen" />
          <process id="MitVorgangsfrist" isExecutable="true" xmlns:egov="https://egov-workflows.de/schema/bpmn/1.0" egov:frist="P5D">
            <startEvent id="Start" />
            <receiveTask id="Warten" name="Auf Unterlagen warten" messageRef="M" egov:frist="P3D" />
            <endEvent id="Ende" />
            <sequenceFlow id="f1" sourceRef="Start" targetRef="Warten" />
            <sequenceFlow id="f2" sourceRef="Warten" targetRef="Ende" />
          </process>
        </definitions>
        """;

    [Theory, MemberData(nameof(Providers))]
    public void MissedFristen_CountTheCasesOwnFrist_AndReceiveTasksStillOpenAfterTheirs(string provider)
    {
        using var db = TestDatabases.Create(provider);
        var store = db.OpenStore();
        var clock = Models.Clock();
        var engine = Models.Deployed(store, clock, MitVorgangsfrist);
        var t0 = clock.GetCurrentInstant();

        engine.StartProcess("MitVorgangsfrist", businessKey: "in-time");
        engine.StartProcess("MitVorgangsfrist", businessKey: "late");
        engine.StartProcess("MitVorgangsfrist", businessKey: "waiting");      // still waiting when both Fristen have passed
        clock.Reset(t0 + Duration.FromDays(1));
        engine.CorrelateMessage("Unterlagen", "in-time").ShouldBe(1);         // within both Fristen
        clock.Reset(t0 + Duration.FromDays(5));
        engine.CorrelateMessage("Unterlagen", "late").ShouldBe(1);            // the receive task's Frist passed, the case's not yet
        clock.Reset(t0 + Duration.FromDays(10));
        var lateCase = engine.StartProcess("MitVorgangsfrist", businessKey: "later");
        clock.Reset(t0 + Duration.FromDays(16));
        engine.CorrelateMessage("Unterlagen", "later").ShouldBe(1);           // both passed (started 12 March: case Frist to 17 March)
        engine.StartProcess("MitVorgangsfrist", businessKey: "new");          // its Fristen still run

        var analytics = new SqlProcessAnalytics(db.Options, DateTimeZoneProviders.Tzdb["Europe/Berlin"], clock);
        var f = analytics.Figures(new AnalyticsQuery("default", "MitVorgangsfrist", null, new LocalDate(2026, 3, 1), new LocalDate(2026, 3, 31)));
        f.Completed.ShouldBe(3);
        f.CaseFristenMissed.ShouldBe(1);      // "later" (ended 18 March, its Frist passed at the end of 17 March)
        f.CaseFristenOpenPast.ShouldBe(1);    // "waiting"
        var warten = f.Elements.Single(x => x.ElementId == "Warten");
        warten.FristenMissed.ShouldBe(2);     // "late" and "later" received their Unterlagen after the receive task's Frist
        warten.FristenOpenPast.ShouldBe(1);   // "waiting"
        engine.GetInstance(lateCase).State.ToString().ShouldBe("Completed");

        // A period that ends before the open Fristen passed counts none of them.
        var early = analytics.Figures(new AnalyticsQuery("default", "MitVorgangsfrist", null, new LocalDate(2026, 3, 1), new LocalDate(2026, 3, 4)));
        early.CaseFristenOpenPast.ShouldBe(0);
        early.Elements.SingleOrDefault(x => x.ElementId == "Warten")?.FristenOpenPast.ShouldBe(0);
    }

    [Theory, MemberData(nameof(Providers))]
    public void CatchUp_FoldsEachHistoryRowOnce_AcrossCallsAndInstancesOfTheAggregator(string provider)
    {
        using var db = TestDatabases.Create(provider);
        var store = db.OpenStore();
        var clock = Models.Clock();
        var engine = Models.Deployed(store, clock, Models.Bescheid());
        engine.StartProcess("Bescheid");
        var first = new SqlProcessAnalytics(db.Options, DateTimeZone.Utc) { BatchRows = 1 };
        first.CatchUp().ShouldBe(2); // start and end event, one per batch
        first.CatchUp().ShouldBe(0);
        engine.StartProcess("Bescheid");
        var second = new SqlProcessAnalytics(db.Options, DateTimeZone.Utc);
        second.CatchUp().ShouldBe(2);
        var day = new LocalDate(2026, 3, 2);
        var f = first.Figures(new AnalyticsQuery("default", "Bescheid", null, day, day));
        f.Elements.Single(x => x.ElementId == "Ende").Count.ShouldBe(2);
        f.FlowsTaken["f1"].ShouldBe(2);
        (f.Started, f.Completed).ShouldBe((2L, 2L));
        f.LeadTime.ShouldBe(new DurationStats(2, 0, 0));
    }

    [Fact]
    public void Histogram_GivesTheExactValueBack_WhenABucketsValuesAreEqual_AndStaysWithinItsWidthOtherwise()
    {
        DurationHistogram.Of([(DurationHistogram.Bucket(1_800_000), 3, 5_400_000)]).ShouldBe(new DurationStats(3, 1_800_000, 1_800_000));
        DurationHistogram.Bucket(0).ShouldBe(0);
        DurationHistogram.Bucket(1000).ShouldBeLessThan(DurationHistogram.Bucket(1050));
        var values = Enumerable.Range(1, 1000).Select(i => (long)i * 997).ToList();
        var buckets = values.GroupBy(DurationHistogram.Bucket).Select(g => (g.Key, (long)g.Count(), g.Sum())).ToList();
        var approx = DurationHistogram.Of(buckets);
        var exact = DurationHistogram.Exact(values);
        ((double)approx.MedianMs!.Value / exact.MedianMs!.Value).ShouldBeInRange(0.96, 1.04);
        ((double)approx.P90Ms!.Value / exact.P90Ms!.Value).ShouldBeInRange(0.96, 1.04);
        exact.ShouldBe(new DurationStats(1000, 500 * 997, 900 * 997));
    }
}
