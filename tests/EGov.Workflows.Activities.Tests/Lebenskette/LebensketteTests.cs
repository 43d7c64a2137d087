using System.Text.Json.Nodes;
using EGov.Workflows.Activities.FitConnect;
using EGov.Workflows.Activities.Notifications;
using EGov.Workflows.Sdk;
using EGov.Workflows.Runtime;
using EGov.Workflows.Simulators;
using NodaTime.Testing;

namespace EGov.Workflows.Activities.Tests.Lebenskette;

/// <summary>
/// The life chain as deployed from processes/ (issue 17 item 9): the Geburtsbeurkundung starts, with the parents' consent per
/// purpose, the Kindergeld application and the Kita registration by message carrying ONLY the consented data (once-only);
/// data not consented — the other purpose's, the hospital's medical data, the mother's tax id, religion — reaches neither the next
/// case nor the Familienkasse, to which the application goes through the FIT-Connect pack against its simulator.
/// </summary>
public sealed class LebensketteTests : IAsyncLifetime
{
    private static readonly string MetadataSchema = FitConnectSimulator.FindCorpusMetadataSchema()
        ?? throw new InvalidOperationException("the metadata schema of ../shared/corpora/fit-connect is not there");
    private FitConnectSimulator _fc = null!;
    private readonly FakeClock _clock = PackEngine.Clock();

    public Task InitializeAsync()
    {
        _fc = FitConnectSimulator.Start(MetadataSchema);
        _fc.Services.Add("urn:de:fim:leika:leistung:99041008000000"); // the Familienkasse's destination takes Kindergeld
        return Task.CompletedTask;
    }
    public async Task DisposeAsync() => await _fc.DisposeAsync();

    private static string Processes()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
            if (Directory.Exists(Path.Combine(d.FullName, "processes", "geburt"))) return Path.Combine(d.FullName, "processes");
        throw new InvalidOperationException("processes/ not found above " + AppContext.BaseDirectory);
    }

    /// <summary>The Kita case's own activity lives in the host (its tables); here a stand-in, as the Kita case is not followed past its first task.</summary>
    [Activity("kita-platz")]
    private sealed class KitaPlatzStandIn : WorkflowActivity
    {
        public override Task<ActivityResult> ExecuteAsync(ActivityContext context) => Task.FromResult(ActivityResult.Fail("not in this test"));
    }

    /// <summary>The citizen account link lives in the host (the citizen case index); here a stand-in that links nothing and writes nothing.</summary>
    [Activity("buerger-konto")]
    private sealed class BuergerKontoStandIn : WorkflowActivity
    {
        public override Task<ActivityResult> ExecuteAsync(ActivityContext context) => Task.FromResult(ActivityResult.Complete(new JsonObject()));
    }

    /// <summary>
    /// The parents' online consent lives in the host (code, notice, the consent page); here a stand-in with the same contract:
    /// it waits, and the answer of the signed-in parent (<c>zustimmung</c> per purpose, <c>konto</c> of the session) resumes it.
    /// </summary>
    [Activity("einwilligung-eltern")]
    private sealed class EinwilligungElternStandIn : WorkflowActivity
    {
        public override Task<ActivityResult> ExecuteAsync(ActivityContext context) =>
            Task.FromResult(ActivityResult.Wait("Einwilligung abwarten", new JsonObject { ["einwilligungOnline"] = new JsonObject { ["status"] = "angefragt" } }, "einwilligung-eltern:" + context.ProcessInstanceId));

        public override Task<ActivityResult> ResumeAsync(ActivityContext context, JsonNode? payload)
        {
            var kg = payload?["zustimmung"]?["kindergeld"]?.GetValue<bool>() == true;
            var kita = payload?["zustimmung"]?["kita"]?.GetValue<bool>() == true;
            var o = new JsonObject { ["einwilligungKindergeld"] = kg, ["einwilligungKita"] = kita, ["einwilligungOnline"] = new JsonObject { ["status"] = "erklaert" } };
            if (kg || kita) o["einwilligungKonto"] = payload?["konto"]?.DeepClone();
            return Task.FromResult(ActivityResult.Complete(o));
        }
    }

    private WorkflowEngine Engine() => PackEngine.Create((s, c) => s.AddEgovFitConnect(c).AddEgovNotifications(c).AddEgovActivity<KitaPlatzStandIn>().AddEgovActivity<BuergerKontoStandIn>()
        .AddEgovActivity<EinwilligungElternStandIn>(), new Dictionary<string, string?>
    {
        ["Packs:FitConnect:TokenUrl"] = _fc.TokenUrl,
        ["Packs:FitConnect:SubmissionApiUrl"] = _fc.BaseUrl,
        ["Packs:FitConnect:ClientId"] = _fc.ClientId,
        ["Packs:FitConnect:ClientSecret"] = _fc.ClientSecret,
        ["Packs:FitConnect:MetadataSchema"] = MetadataSchema,
        ["Packs:FitConnect:RetryDelayMilliseconds"] = "1",
    }, _clock, "default", Path.Combine(Processes(), "geburt", "geburt.bpmn"), Path.Combine(Processes(), "kindergeld", "kindergeld.bpmn"),
        Path.Combine(Processes(), "kita", "kita.bpmn"));

    private static JsonObject Geburtsanzeige() => JsonNode.Parse("""
        {"einwilligungKonto": "buerger:KlinikKlinikKlinikKlinikKlinik12",
         "antrag": {
          "kind": {"vorname": "Mia", "familienname": "Muster", "geburtsdatum": "2026-03-01", "geburtszeit": "07:42", "geburtsort": "Musterstadt"},
          "mutter": {"vorname": "Anna", "familienname": "Muster", "anschrift": "Lindenweg 3, 64283 Musterstadt", "email": "anna@example.org",
                     "steuerId": "11111111111", "religion": "Religionszugehörigkeit-rk"},
          "klinik": {"name": "Klinikum Sankt Beispiel", "email": "geburtshilfe@klinikum.example"},
          "medizinisch": {"geburtsgewichtGramm": 3350, "apgar": "9/10/10"},
          "einwilligung": {"antragsteller": "mutter", "buergerkonto": "buerger:AusDerAnzeigeAusDerAnzeigeAusDe"}
        }}
        """)!.AsObject();

    /// <summary>Runs the Geburt case to its end with the consents given at the Prüfung; the Standesamt's case id.</summary>
    private static string Beurkunden(WorkflowEngine e, bool kindergeld, bool kita)
    {
        var id = e.StartProcessByMessage("urn:de:fim:leika:leistung:99027006000000", Geburtsanzeige(), "G-2026-0042");
        Complete(e, "Task_Pruefen", new JsonObject { ["vollstaendig"] = true, ["einwilligungKindergeld"] = kindergeld, ["einwilligungKita"] = kita }, "s.sachbearbeitung");
        Complete(e, "Task_Beurkunden", new JsonObject { ["registernummer"] = "G 42/2026" }, "b.standesbeamtin");
        Complete(e, "Task_Urkunden", new JsonObject { ["urkundenAnzahl"] = 2, ["urkundenVersand"] = "post" }, "b.standesbeamtin");
        if (kindergeld || kita) e.GetInstance(id).State.ShouldBe(InstanceState.Completed);
        else e.GetInstance(id).Waiting.ShouldBe(["Task_Einwilligung_Online"], "no consent recorded at the check: the parents are asked online");
        return id;
    }

    private static void Complete(WorkflowEngine e, string element, JsonObject variables, string user = "anna") =>
        e.CompleteUserTask(e.OpenUserTasks().Single(t => t.ElementId == element).Id, variables, user);

    private static readonly string[] NeverPassedOn = ["3350", "apgar", "07:42", "11111111111", "Religionszugehörigkeit", "Klinikum Sankt Beispiel", "geburtshilfe@", "einwilligung",
        "buerger:KlinikKlinik", "buerger:AusDerAnzeige"]; // an account named by the hospital's data never goes on

    [Fact]
    public void WithConsentForKindergeldOnly_TheKindergeldCaseGetsOnlyItsData_AndTheFamilienkasseReceivesItThroughFitConnect()
    {
        var e = Engine();
        var standesamt = Beurkunden(e, kindergeld: true, kita: false);

        var task = e.OpenUserTasks().Single(t => t.ElementId == "Task_Ergaenzen");
        task.RootInstanceId.ShouldNotBe(standesamt);
        task.BusinessKey.ShouldBe("G-2026-0042");
        var kindergeld = e.GetInstance(task.RootInstanceId);
        kindergeld.Variables.Select(v => v.Key).ShouldBe(["kindergeldDaten"]);
        var received = kindergeld.Variables.ToJsonString();
        received.ShouldContain("G 42/2026");
        foreach (var secret in NeverPassedOn) received.ShouldNotContain(secret);
        e.OpenUserTasks().ShouldNotContain(t => t.ElementId == "Task_Wuensche"); // no consent for the Kita: no Kita case

        Complete(e, "Task_Ergaenzen", new JsonObject { ["steuerIdAntragsteller"] = "12345678903", ["iban"] = "DE02120300000000202051", ["kontoinhaber"] = "Anna Muster", ["bestaetigt"] = true });

        var after = e.GetInstance(task.RootInstanceId);
        after.Incidents.ShouldBeEmpty();
        after.Variables["uebermittlungFehler"].ShouldBeNull();
        after.Waiting.ShouldBe(["Task_Rueckmeldung"]);
        var s = _fc.Submissions.ShouldHaveSingleItem();
        s.Status.ShouldBe("submitted");
        s.Problems.ShouldBeEmpty();
        s.ServiceIdentifier.ShouldBe("urn:de:fim:leika:leistung:99041008000000");
        var data = JsonNode.Parse(s.Data!)!;
        data["kind"]!["vorname"]!.GetValue<string>().ShouldBe("Mia");
        data["iban"]!.GetValue<string>().ShouldBe("DE02120300000000202051");
        foreach (var secret in NeverPassedOn) s.Data!.ShouldNotContain(secret);
    }

    [Fact]
    public void WithConsentForTheKitaOnly_TheKitaCaseGetsOnlyItsData_AndNothingGoesToTheFamilienkasse()
    {
        var e = Engine();
        Beurkunden(e, kindergeld: false, kita: true);

        var task = e.OpenUserTasks().Single(t => t.ElementId == "Task_Wuensche");
        var kita = e.GetInstance(task.RootInstanceId).Variables;
        kita.Select(v => v.Key).ShouldBe(["kitaDaten"]);
        var received = kita.ToJsonString();
        foreach (var secret in NeverPassedOn.Append("G 42/2026")) received.ShouldNotContain(secret);
        e.OpenUserTasks().ShouldNotContain(t => t.ElementId == "Task_Ergaenzen");
        _fc.Submissions.ShouldBeEmpty();
    }

    [Fact]
    public void WithoutConsent_NoOtherCaseStarts()
    {
        var e = Engine();
        var id = Beurkunden(e, kindergeld: false, kita: false);
        e.ResumeActivityByKey("einwilligung-eltern:" + id, new JsonObject
        {
            ["zustimmung"] = new JsonObject { ["kindergeld"] = false, ["kita"] = false }, ["konto"] = "buerger:SitzungSitzungSitzungSitzungSitz",
        }).ShouldBeTrue();
        e.GetInstance(id).State.ShouldBe(InstanceState.Completed);
        e.GetInstance(id).Variables["einwilligungKonto"].ShouldBeNull("a refusal keeps no account");

        e.OpenUserTasks().ShouldBeEmpty();
        _fc.Submissions.ShouldBeEmpty();
    }

    [Fact]
    public void WithOnlineConsent_TheCasesCarryTheAccountOfTheSignedInParent_NeverOneFromTheHospitalsData()
    {
        var e = Engine();
        var id = Beurkunden(e, kindergeld: false, kita: false);
        const string session = "buerger:SitzungSitzungSitzungSitzungSitz";
        e.ResumeActivityByKey("einwilligung-eltern:" + id, new JsonObject
        {
            ["zustimmung"] = new JsonObject { ["kindergeld"] = true, ["kita"] = true }, ["konto"] = session,
        }).ShouldBeTrue();
        e.GetInstance(id).State.ShouldBe(InstanceState.Completed);

        var kindergeld = e.GetInstance(e.OpenUserTasks().Single(t => t.ElementId == "Task_Ergaenzen").RootInstanceId).Variables;
        kindergeld["kindergeldDaten"]!["buergerkonto"]!.GetValue<string>().ShouldBe(session);
        var kita = e.GetInstance(e.OpenUserTasks().Single(t => t.ElementId == "Task_Wuensche").RootInstanceId).Variables;
        kita["kitaDaten"]!["buergerkonto"]!.GetValue<string>().ShouldBe(session);
        foreach (var secret in NeverPassedOn) { kindergeld.ToJsonString().ShouldNotContain(secret); kita.ToJsonString().ShouldNotContain(secret); }
    }

    [Fact]
    public void WithConsentRecordedAtTheCheck_NoAccountGoesOn_NotEvenTheOneTheHospitalSent()
    {
        var e = Engine();
        Beurkunden(e, kindergeld: true, kita: true);
        var kindergeld = e.GetInstance(e.OpenUserTasks().Single(t => t.ElementId == "Task_Ergaenzen").RootInstanceId).Variables;
        (kindergeld["kindergeldDaten"] as JsonObject)!.ContainsKey("buergerkonto").ShouldBeFalse();
        var kita = e.GetInstance(e.OpenUserTasks().Single(t => t.ElementId == "Task_Wuensche").RootInstanceId).Variables;
        (kita["kitaDaten"] as JsonObject)!.ContainsKey("buergerkonto").ShouldBeFalse();
    }
}
