using NodaTime;

namespace EGov.Workflows.Runtime.Tests;

/// <summary>egov:frist in models: case Frist, task due dates, Frist timers, Hemmung, §42a — with hand-computed dates (Berlin).</summary>
public class FristTests
{
    /// <summary>Monday 5 Jan 2026, 09:00 in Berlin (the harness's clock).</summary>
    private static Harness At() => new();

    private static string Due(Harness h, string elementId) =>
        NodaTime.Text.LocalDatePattern.Iso.Format(h.Engine.OpenUserTasks(h.Instance).Single(t => t.ElementId == elementId).Due!.Value
            .InZone(DateTimeZoneProviders.Tzdb["Europe/Berlin"]).Date);

    private static string? Ende(Harness h, string elementId) => h.View.Fristen.SingleOrDefault(f => f.ElementId == elementId)?.Ende;

    [Fact]
    public void Frist_InHours_IsRefusedAtDeploy_WithItsPosition()
    {
        var e = Should.Throw<DeploymentException>(() => At().Process("""<startEvent id="S" /><sequenceFlow id="f" sourceRef="S" targetRef="T" /><userTask id="T" egov:frist="PT5H" />"""));
        e.Messages.ShouldContain(m => m.StartsWith("test.bpmn:") && m.Contains("egov:frist 'PT5H' on userTask 'T' counts hours or minutes; the law counts a Frist in days"));
    }

    [Fact]
    public void Frist_OnAServiceTask_IsRefused()
    {
        var e = Should.Throw<DeploymentException>(() => At().Process("""<startEvent id="S" /><sequenceFlow id="f" sourceRef="S" targetRef="T" /><serviceTask id="T" camunda:type="external" camunda:topic="x" egov:frist="P3D" />"""));
        e.Messages.ShouldContain(m => m.Contains("a Frist belongs on the process, a user task, a receive task or a timer event"));
    }

    [Fact]
    public void Fiktion_OnAUserTask_IsRefused_ItIsATimersPath()
    {
        var e = Should.Throw<DeploymentException>(() => At().Process("""<startEvent id="S" /><sequenceFlow id="f" sourceRef="S" targetRef="T" /><userTask id="T" egov:frist="P3M" egov:fiktion="true" />"""));
        e.Messages.ShouldContain(m => m.Contains("the Genehmigungsfiktion (§42a VwVfG) is the path of a timer event with egov:frist"));
    }

    [Fact]
    public void FristTimer_WithASecondTimerDefinition_IsRefused()
    {
        var e = Should.Throw<DeploymentException>(() => At().Process("""
            <startEvent id="S" /><sequenceFlow id="f" sourceRef="S" targetRef="T" /><userTask id="T" />
            <boundaryEvent id="B" attachedToRef="T" egov:frist="P2W"><timerEventDefinition><timeDuration>P1D</timeDuration></timerEventDefinition></boundaryEvent>
            """));
        e.Messages.ShouldContain(m => m.Contains("has both egov:frist and a timer definition"));
    }

    [Fact]
    public void TaskFrist_IsTheTasksDueDate_InTheTenantsLand()
    {
        // Monday 5 Jan 2026 + 2 weeks → Monday 19 Jan; Beginnfrist: the first day counts → Sunday 18 Jan → Monday 19 Jan
        var h = new Harness(b => b.UseLand(Time.Bundesland.BY)).Process("""
            <startEvent id="S" /><sequenceFlow id="f" sourceRef="S" targetRef="T" /><userTask id="T" egov:frist="P2W" />
            <sequenceFlow id="g" sourceRef="T" targetRef="B" /><userTask id="B" egov:frist="P1D" egov:fristArt="Beginn" />
            """).Start();
        Due(h, "T").ShouldBe("2026-01-19");
        h.Complete("T");
        Due(h, "B").ShouldBe("2026-01-05"); // one day beginning today ends today
        Ende(h, "T").ShouldBeNull(); // the completed task's Frist is gone
    }

    [Fact]
    public void CaseFrist_WithFristBeginn_WaitsForTheVariable_ThenDatesTheOpenTask()
    {
        var h = At().Deploy("""
            <process id="P" isExecutable="true" egov:frist="P3M" egov:fristBeginn="eingangVollstaendig">
              <startEvent id="S" /><sequenceFlow id="f" sourceRef="S" targetRef="A" /><userTask id="A" />
              <sequenceFlow id="g" sourceRef="A" targetRef="B" /><userTask id="B" />
            </process>
            """).Start();
        h.View.Fristen.Single().Ende.ShouldBeNull();
        h.Engine.OpenUserTasks(h.Instance).Single().Due.ShouldBeNull();
        h.Complete("A", new { eingangVollstaendig = "2025-11-30" }); // + 3 months → 28 Feb 2026 (Sat) → 2 March
        Ende(h, "P").ShouldBe("2026-03-02");
        Due(h, "B").ShouldBe("2026-03-02");
    }

    [Fact]
    public void TaskFristBeginn_VariableMissing_IsAnIncidentThatSaysWhich()
    {
        var h = At().Process("""<startEvent id="S" /><sequenceFlow id="f" sourceRef="S" targetRef="T" /><userTask id="T" egov:frist="P1M" egov:fristBeginn="zustellung" />""").Start();
        h.State.ShouldBe(InstanceState.Incident);
        h.View.Incidents.Single().Message.ShouldContain("egov:fristBeginn: the variable 'zustellung' is not set");
    }

    [Fact]
    public void Hemmung_SuspendsAFristTimer_AndItFiresLaterByTheDaysItStoodStill()
    {
        // Frist timer of 10 days on the subprocess from Monday 5 Jan → Thursday 15 Jan. The citizen is asked on Tue 6 Jan and
        // answers on Thu 8 Jan: 3 days of Hemmung → Sunday 18 Jan → Monday 19 Jan; it fires at midnight after it.
        var h = At().Process("""
            <startEvent id="S" /><sequenceFlow id="f" sourceRef="S" targetRef="Sub" />
            <subProcess id="Sub">
              <startEvent id="SS" /><sequenceFlow id="s1" sourceRef="SS" targetRef="Warten" />
              <receiveTask id="Warten" egov:fristHemmung="true" /><sequenceFlow id="s2" sourceRef="Warten" targetRef="Pruefen" />
              <userTask id="Pruefen" /><sequenceFlow id="s3" sourceRef="Pruefen" targetRef="SE" /><endEvent id="SE" />
            </subProcess>
            <boundaryEvent id="Frist" attachedToRef="Sub" egov:frist="P10D"><timerEventDefinition /></boundaryEvent>
            <sequenceFlow id="g" sourceRef="Frist" targetRef="Zu_spaet" /><endEvent id="Zu_spaet" />
            <sequenceFlow id="h" sourceRef="Sub" targetRef="E" /><endEvent id="E" />
            """, "").Start();
        // The receive task waits at once: the Hemmung starts on 5 Jan. Complete it on 7 Jan: 3 days (5, 6, 7).
        Ende(h, "Frist").ShouldBe("2026-01-15");
        h.View.Fristen.Single().GehemmtSeit.ShouldBe("2026-01-05");
        h.Engine.NextDueTime().ShouldBeNull(); // the suspended Frist has no timer
        h.Advance("P2D").Complete("Warten");
        Ende(h, "Frist").ShouldBe("2026-01-19"); // 15 Jan + 3 days = Sunday 18 Jan → Monday 19 Jan
        Due(h, "Pruefen").ShouldBe("2026-01-19"); // the task's deadline is its boundary Frist's
        h.Advance("P13D"); // Tuesday 20 Jan 09:00, past midnight after the 19th
        h.State.ShouldBe(InstanceState.Completed);
        h.Count("Zu_spaet").ShouldBe(1);
    }

    [Fact]
    public void Bearbeitungsfrist_OfTheService_IsTheCasesFrist_WhenTheModelHasNone()
    {
        var h = new Harness(b => b.UseBearbeitungsfrist(pid => pid == "P" ? Period.FromDays(10) : null))
            .Process("""<startEvent id="S" /><sequenceFlow id="f" sourceRef="S" targetRef="T" /><userTask id="T" />""").Start();
        Ende(h, "P").ShouldBe("2026-01-15"); // Monday 5 Jan + 10 days
        Due(h, "T").ShouldBe("2026-01-15");
    }
}
