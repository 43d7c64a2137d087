using NodaTime;

namespace EGov.Workflows.Runtime.Tests;

/// <summary>
/// The Frist rules reachable from expressions (JavaScript and FEEL), the one extension of a §42a Frist, and Hemmung across
/// call activities — dates computed by hand (the harness starts on Monday 5 Jan 2026, 09:00 Berlin).
/// </summary>
public class FristFunctionTests
{
    private static string Due(Harness h, string elementId) =>
        NodaTime.Text.LocalDatePattern.Iso.Format(h.Engine.OpenUserTasks(h.Instance).Single(t => t.ElementId == elementId).Due!.Value
            .InZone(DateTimeZoneProviders.Tzdb["Europe/Berlin"]).Date);

    private static Runtime.FristInfo Frist(Harness h, string elementId) => h.View.Fristen.Single(f => f.ElementId == elementId);

    private const string Script = """
        <startEvent id="S" /><sequenceFlow id="f" sourceRef="S" targetRef="Rechnen" />
        <scriptTask id="Rechnen" scriptFormat="javascript"><script>
          execution.setVariable("widerspruchsfristEnde", frist(bekanntgabe(aufgabeZurPost), "P1M"));
          execution.setVariable("inBayern", frist("2025-12-06", "P1M", "BY"));
          execution.setVariable("beginnfrist", frist("2026-03-01", "P1M", null, "Beginn"));
          execution.setVariable("fiktion", genehmigungsfiktion("2025-11-30"));
          execution.setVariable("werktag", [istWerktag("2026-01-06"), naechsterWerktag("2026-01-03")]);
        </script></scriptTask>
        <sequenceFlow id="g" sourceRef="Rechnen" targetRef="T" /><userTask id="T" />
        """;

    [Fact]
    public void JavaScript_CountsFristen_WithTheTenantsLand_OrANamedOne()
    {
        var h = new Harness().Process(Script).Start(new { aufgabeZurPost = "2025-12-05" });
        var v = h.Variables;
        // posted Fri 5 Dec 2025 → known Tue 9 Dec (4th day) → one month → Fri 9 Jan 2026
        v["widerspruchsfristEnde"]!.GetValue<string>().ShouldBe("2026-01-09");
        v["inBayern"]!.GetValue<string>().ShouldBe("2026-01-07"); // 6 Jan is Heilige Drei Könige in BY
        v["beginnfrist"]!.GetValue<string>().ShouldBe("2026-03-31");
        v["fiktion"]!.GetValue<string>().ShouldBe("2026-03-02"); // 28 Feb is a Saturday
        v["werktag"]!.ToJsonString().ShouldBe("""[true,"2026-01-05"]"""); // Hessen: 6 Jan is a working day
    }

    [Fact]
    public void JavaScript_InBavaria_IsWhatTheEngineIsConfiguredWith()
    {
        var h = new Harness(b => b.UseLand(Time.Bundesland.BY)).Process(Script).Start(new { aufgabeZurPost = "2025-12-05" });
        h.Variables["werktag"]!.ToJsonString().ShouldBe("""[false,"2026-01-05"]""");
    }

    [Fact]
    public void JavaScript_AFristInHours_IsAScriptErrorThatSaysWhy()
    {
        var h = new Harness().Process("""
            <startEvent id="S" /><sequenceFlow id="f" sourceRef="S" targetRef="R" />
            <scriptTask id="R" scriptFormat="javascript"><script>execution.setVariable("x", frist("2026-01-05", "PT5H"))</script></scriptTask>
            """).Start();
        h.State.ShouldBe(InstanceState.Incident);
        h.View.Incidents.Single().Message.ShouldContain("'PT5H' counts hours or minutes; the law counts a Frist in days");
    }

    [Fact]
    public void AVariableNamedLikeAFunction_WinsOverIt()
    {
        var h = new Harness().Process("""
            <startEvent id="S" /><sequenceFlow id="f" sourceRef="S" targetRef="X" />
            <exclusiveGateway id="X" default="nein" />
            <sequenceFlow id="ja" sourceRef="X" targetRef="Ja"><conditionExpression>${frist == "P2W"}</conditionExpression></sequenceFlow>
            <sequenceFlow id="nein" sourceRef="X" targetRef="Nein" />
            <userTask id="Ja" /><userTask id="Nein" />
            """).Start(new { frist = "P2W" });
        h.ShouldWaitAt("Ja");
    }

    [Fact]
    public void Feel_ConditionCountsAFrist_FromADateOrAText()
    {
        var h = new Harness(b => b.UseLand(Time.Bundesland.BY)).Process("""
            <startEvent id="S" /><sequenceFlow id="f" sourceRef="S" targetRef="X" />
            <exclusiveGateway id="X" default="nein" />
            <sequenceFlow id="ja" sourceRef="X" targetRef="Ja"><conditionExpression language="feel">frist(date(eingang), duration("P1M")) = date("2026-01-07") and bekanntgabe("2025-01-02") = date("2025-01-07")</conditionExpression></sequenceFlow>
            <sequenceFlow id="nein" sourceRef="X" targetRef="Nein" />
            <userTask id="Ja" /><userTask id="Nein" />
            """).Start(new { eingang = "2025-12-06" });
        h.ShouldWaitAt("Ja");
    }

    private const string Fiktion = """
        <startEvent id="S" /><sequenceFlow id="f" sourceRef="S" targetRef="Entscheiden" />
        <userTask id="Entscheiden" />
        <boundaryEvent id="Timer_Fiktion" attachedToRef="Entscheiden" egov:frist="P3M" egov:fiktion="true"><timerEventDefinition /></boundaryEvent>
        <sequenceFlow id="g" sourceRef="Timer_Fiktion" targetRef="Ende_Fiktion" /><endEvent id="Ende_Fiktion" />
        <sequenceFlow id="h" sourceRef="Entscheiden" targetRef="Ende" /><endEvent id="Ende" />
        """;

    [Fact]
    public void Fiktionsfrist_IsExtendedOnce_WithItsReason_AndTheTimerAndDueDateMove()
    {
        // 5 Jan + 3 months = Sunday 5 April (Easter), Monday 6 April Ostermontag → Tuesday 7 April.
        var h = new Harness().Process(Fiktion).Start();
        Frist(h, "Timer_Fiktion").Ende.ShouldBe("2026-04-07");
        var info = h.Engine.ExtendFiktionsfrist(h.Instance!, "Timer_Fiktion", Period.FromMonths(1), "Gutachten des Denkmalamts steht aus", "erika");
        // + 4 months from 5 Jan: Tuesday 5 May
        info.Ende.ShouldBe("2026-05-05");
        info.Verlaengerung.ShouldBe("P1M");
        Due(h, "Entscheiden").ShouldBe("2026-05-05");
        h.Variables["fiktionsfristVerlaengerung"]!["begruendung"]!.GetValue<string>().ShouldBe("Gutachten des Denkmalamts steht aus");
        h.Engine.VariableHistory(h.Instance!).ShouldContain(c => c.Name == "fiktionsfristVerlaengerung" && c.UserId == "erika");

        var again = Should.Throw<WorkflowCommandException>(() => h.Engine.ExtendFiktionsfrist(h.Instance!, "Timer_Fiktion", Period.FromDays(5), "noch einmal"));
        again.Message.ShouldContain("allows one extension only");
        again.Reason.ShouldBe(RefusalReason.FristAlreadyExtended, "callers answer by the reason, not by the wording");
        again.Values.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key}={kv.Value}").ShouldBe(["elementId=Timer_Fiktion", "extendedOn=2026-01-05", "extension=P1M"]);

        h.Advance("P100D"); // Wednesday 15 April: the old end has passed, the Fiktion has not
        h.ShouldWaitAt("Entscheiden");
        h.Advance("P21D"); // Wednesday 6 May 09:00
        h.State.ShouldBe(InstanceState.Completed);
        h.Count("Ende_Fiktion").ShouldBe(1);
    }

    [Theory]
    [InlineData("P4M", "Gründe", "longer than the Frist itself", RefusalReason.FristExtensionTooLong)]
    [InlineData("P1M", "  ", "needs its reason", RefusalReason.FristExtensionReasonMissing)]
    [InlineData("PT5H", "Gründe", "positive number of days", RefusalReason.FristExtensionNotPositive)]
    public void Fiktionsfrist_Extension_IsRefused_WhenNotAngemessenOrWithoutReason(string um, string grund, string why, RefusalReason reason)
    {
        var h = new Harness().Process(Fiktion).Start();
        var e = Should.Throw<WorkflowCommandException>(() => h.Engine.ExtendFiktionsfrist(h.Instance!, "Timer_Fiktion", NodaTime.Text.PeriodPattern.NormalizingIso.Parse(um).Value, grund));
        e.Message.ShouldContain(why);
        e.Reason.ShouldBe(reason);
        if (reason == RefusalReason.FristExtensionTooLong) (e.Values["extension"], e.Values["duration"]).ShouldBe(("P4M", "P3M"));
        Frist(h, "Timer_Fiktion").Verlaengerung.ShouldBeNull();
        Frist(h, "Timer_Fiktion").Ende.ShouldBe("2026-04-07");
    }

    [Fact]
    public void Fiktionsfrist_IsExtendedFromTheDecisionTask()
    {
        var h = new Harness().Process(Fiktion).Start();
        var task = h.Engine.OpenUserTasks(h.Instance).Single();
        h.Engine.ExtendFiktionsfristOfTask(task.Id, Period.FromWeeks(2), "Anhörung der Nachbarn").Ende.ShouldBe("2026-04-20"); // Sunday 19 Apr → Monday
    }

    [Fact]
    public void AFristWithoutFiktion_CannotBeExtended()
    {
        var h = new Harness().Process("""<startEvent id="S" /><sequenceFlow id="f" sourceRef="S" targetRef="T" /><userTask id="T" egov:frist="P1M" />""").Start();
        Should.Throw<WorkflowCommandException>(() => h.Engine.ExtendFiktionsfrist(h.Instance!, "T", Period.FromDays(3), "x"))
            .Message.ShouldContain("no Genehmigungsfiktion");
        var notRunning = Should.Throw<WorkflowNotFoundException>(() => h.Engine.ExtendFiktionsfrist(h.Instance!, "Gibtsnicht", Period.FromDays(3), "x"));
        (notRunning.Reason, notRunning.Values["elementId"], notRunning.Values["instanceId"]).ShouldBe((RefusalReason.FristNotRunning, "Gibtsnicht", h.Instance!));
    }

    [Fact]
    public void Hemmung_InACalledProcess_StopsTheCallersFrist()
    {
        // The case's Frist P1M from Monday 5 Jan → Thursday 5 Feb. The called process waits for the citizen from 5 Jan to
        // Wednesday 7 Jan: 3 days → Sunday 8 Feb → Monday 9 Feb.
        var h = new Harness().Deploy("""
            <process id="P" isExecutable="true" egov:frist="P1M">
              <startEvent id="S" /><sequenceFlow id="f" sourceRef="S" targetRef="Call" />
              <callActivity id="Call" calledElement="Nachreichung" />
              <sequenceFlow id="g" sourceRef="Call" targetRef="Pruefen" /><userTask id="Pruefen" />
            </process>
            <process id="Nachreichung" isExecutable="true">
              <startEvent id="CS" /><sequenceFlow id="c1" sourceRef="CS" targetRef="Warten" />
              <receiveTask id="Warten" egov:fristHemmung="true" /><sequenceFlow id="c2" sourceRef="Warten" targetRef="CE" /><endEvent id="CE" />
            </process>
            """).Start();
        var f = Frist(h, "P");
        f.GehemmtSeit.ShouldBe("2026-01-05");
        h.Advance("P2D").Complete("Warten");
        f = Frist(h, "P");
        f.GehemmtSeit.ShouldBeNull();
        f.Hemmungstage.ShouldBe(3);
        f.Ende.ShouldBe("2026-02-09");
        Due(h, "Pruefen").ShouldBe("2026-02-09");
    }

    [Fact]
    public void Hemmung_InACalledProcess_EndsWhenTheCallIsInterrupted()
    {
        var h = new Harness().Deploy("""
            <process id="P" isExecutable="true" egov:frist="P1M">
              <startEvent id="S" /><sequenceFlow id="f" sourceRef="S" targetRef="Call" />
              <callActivity id="Call" calledElement="Nachreichung" />
              <boundaryEvent id="Abbruch" attachedToRef="Call"><messageEventDefinition messageRef="M" /></boundaryEvent>
              <sequenceFlow id="a" sourceRef="Abbruch" targetRef="Pruefen" />
              <sequenceFlow id="g" sourceRef="Call" targetRef="Pruefen" /><userTask id="Pruefen" />
            </process>
            <message id="M" name="abbrechen" />
            <process id="Nachreichung" isExecutable="true">
              <startEvent id="CS" /><sequenceFlow id="c1" sourceRef="CS" targetRef="Warten" />
              <receiveTask id="Warten" egov:fristHemmung="true" /><sequenceFlow id="c2" sourceRef="Warten" targetRef="CE" /><endEvent id="CE" />
            </process>
            """).Start();
        h.Advance("P1D").Message("abbrechen");
        var f = Frist(h, "P");
        f.GehemmtSeit.ShouldBeNull();
        f.Hemmungstage.ShouldBe(2); // 5 and 6 Jan
        f.Ende.ShouldBe("2026-02-09"); // Saturday 7 Feb → Monday 9 Feb
    }
}
