namespace EGov.Workflows.Bpmn.Tests.Cli;

/// <summary>
/// Issue 17 item 8, the withdrawal defect: the Anwohnerparkausweis can be withdrawn only until the decision (the
/// withdrawal event subprocess lives inside the subprocess of the steps up to it). A withdrawal message after the
/// decision has no receiver — the case stays in its Aufbewahrung — while one before it ends the case, as
/// <c>./egov test</c> runs the real model with the built-in packs.
/// </summary>
public sealed class ParkausweisRuecknahmeTests
{
    private static readonly string Service = Path.Combine(RepoRoot(), "processes", "anwohnerparkausweis");

    private static string Scenario(string stepsAfterPayment) => $$"""
        name: Rücknahme
        deploy: [../gebuehr.dmn, ../anwohnerparkausweis.bpmn]
        process: Process_Anwohnerparkausweis
        start:
          businessKey: "VG-2026-0099"
          variables:
            eidLevel: substantiell
            zone: A
            antragsteller: { name: "Erika Mustermann", email: "erika@example.org", anschrift: { strasse: "Rathausstraße 5", plz: "12345", ort: "Musterstadt" } }
            fahrzeug: { kennzeichen: "MS-EM 99", halter: "Erika Mustermann" }
        services:
          topic:parkausweis-ausstellung: { variables: { parkausweisNummer: "A-2026-00099", gueltigBis: "2027-03-31" } }
          topic:bescheid-versand: { variables: { bescheidVersendet: true } }
          topic:benachrichtigung: { variables: {} }
          topic:erstattung: { variables: { erstattet: true } }
        steps:
          - complete: Task_Melderegister_Abfragen
            variables: { ergebnis: TREFFER, wohnungsstatus: HAUPTWOHNUNG, anschriftStimmtUeberein: true }
          - complete: Task_Gebuehr_Bezahlen
            variables: { status: PAYED, kassenzeichen: "EPAY-2026-0099" }
        {{stepsAfterPayment}}
        """;

    private static CliRun Run(string stepsAfterPayment)
    {
        using var dir = new TempFolder();
        foreach (var f in new[] { "anwohnerparkausweis.bpmn", "gebuehr.dmn", "service.yaml" })
            File.Copy(Path.Combine(Service, f), Path.Combine(dir.Path, f));
        dir.Write(Path.Combine("scenarios", "r.scenario.yaml"), Scenario(stepsAfterPayment));
        return CliRun.Of("test", dir.Path);
    }

    [Fact]
    public void After_the_decision_nobody_receives_a_withdrawal()
    {
        var run = Run("""
              - complete: Task_Sachbearbeitung_Pruefen
                variables: { approved: true, begruendung: "Voraussetzungen erfüllt" }
              - expect: { waiting: [Event_Aufbewahrungsfrist_Abgelaufen, Event_Verlaengerung_Faellig] }
              - message: Antrag_zurueckgezogen
                correlationKey: "VG-2026-0099"
            """);
        run.ExitCode.ShouldBe(1, run.Stdout + run.Stderr);
        run.Stdout.ShouldContain("step 5: a receiver for message Antrag_zurueckgezogen with correlationKey VG-2026-0099 / nobody waits for it");
        run.Stdout.ShouldContain("0 passed, 1 failed");
    }

    [Fact]
    public void Before_the_decision_a_withdrawal_ends_the_case_without_a_Bescheid()
    {
        var run = Run("""
              - message: Antrag_zurueckgezogen
                correlationKey: "VG-2026-0099"
              - expect:
                  state: completed
                  completed: [Task_Gebuehr_Erstatten, EndEvent_Antrag_Zurueckgezogen, EndEvent_Ohne_Bescheid]
                  notCompleted: [EndEvent_Antrag_Entschieden, SubProcess_Aufbewahrung]
            """);
        run.ExitCode.ShouldBe(0, run.Stdout + run.Stderr);
        run.Stdout.ShouldContain("1 passed, 0 failed");
    }

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "EGov.Workflows.sln"))) return dir.FullName;
        throw new DirectoryNotFoundException("EGov.Workflows.sln not found above " + AppContext.BaseDirectory);
    }
}
