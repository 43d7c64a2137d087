using System.Text.Json;
using System.Text.Json.Nodes;
using System.Xml.Linq;
using System.Xml.Schema;
using EGov.Workflows.Activities.Xdomea;
using EGov.Workflows.Runtime;
using EGov.Workflows.Simulators;
using NodaTime;
using NodaTime.Testing;

namespace EGov.Workflows.Activities.Tests.Xdomea;

/// <summary>
/// eakte-aussondern through the engine: the case is filed, waits out its Aufbewahrungsfrist, and is offered to an archive on
/// loopback (<see cref="ArchivSimulator"/>) that validates every message against the official xdomea XSD and answers with
/// its own schema-valid messages.
/// </summary>
public sealed class EakteAussondernTests : IAsyncLifetime
{
    private const string Model = "Xdomea/EakteAussondernTests.bpmn";
    private static readonly string Schema = DmsSimulator.FindCorpusSchema()
        ?? throw new InvalidOperationException("the xdomea schema of ../shared/corpora/xdomea/schemas/3.1.0 is not there");
    private DmsSimulator _dms = null!;
    private ArchivSimulator _archiv = null!;
    private readonly FakeClock _clock = PackEngine.Clock();

    public Task InitializeAsync()
    {
        _dms = DmsSimulator.Start(Schema);
        _archiv = ArchivSimulator.Start(Schema);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _dms.DisposeAsync();
        await _archiv.DisposeAsync();
    }

    private Dictionary<string, string?> Settings() => new()
    {
        ["Packs:Xdomea:SchemaDirectory"] = Schema,
        ["Packs:Xdomea:Behoerde"] = "Stadt Musterstadt",
        ["Packs:Xdomea:Organisationseinheit"] = "Straßenverkehrsbehörde",
        ["Packs:Xdomea:Endpoint"] = _dms.Endpoint,
        ["Packs:Xdomea:RetryDelayMilliseconds"] = "1",
        ["Packs:Xdomea:Archiv:Name"] = "Stadtarchiv Musterstadt",
        ["Packs:Xdomea:Archiv:Endpoint"] = _archiv.Endpoint,
        ["Packs:Xdomea:Archiv:ApiKey"] = "geheimer-archiv-schluessel",
        ["Packs:Xdomea:Archiv:PollMinutes"] = "60",
    };

    private WorkflowEngine Engine(Dictionary<string, string?>? settings = null) =>
        PackEngine.Create((s, c) => s.AddEgovXdomea(c), settings ?? Settings(), _clock, "default", Model);

    private static JsonObject Antrag() => new()
    {
        ["antrag"] = new JsonObject { ["name"] = "Erika Mustermann", ["kennzeichen"] = "DA-EM 123" },
    };

    /// <summary>Moves the clock by <paramref name="period"/> and runs what fell due (the Aufbewahrungsfrist's timer, polls).</summary>
    private void Advance(WorkflowEngine engine, Duration period)
    {
        _clock.Advance(period);
        engine.RunDueJobs();
    }

    [Fact]
    public void An_archival_case_is_offered_evaluated_handed_over_and_imported_with_every_message_valid()
    {
        _archiv.RequiredToken = "geheimer-archiv-schluessel";
        var engine = Engine();
        var id = engine.StartProcess("Process_EakteAussondern", Antrag());
        engine.GetInstance(id).Waiting.ShouldBe(["Timer_Aufbewahrung"]);
        _archiv.Requests.ShouldBe(0);

        Advance(engine, Duration.FromDays(6 * 366));
        var offered = _archiv.Received.ShouldHaveSingleItem();
        offered.Nachricht.ShouldBe(Aussonderung.Anbieteverzeichnis);
        engine.GetInstance(id).Waiting.ShouldBe(["Task_Aussondern"]); // the 0502 is ready, fetched at the next poll

        Advance(engine, Duration.FromMinutes(60));
        var view = engine.GetInstance(id);
        view.Incidents.ShouldBeEmpty();
        view.State.ShouldBe(InstanceState.Completed);
        _archiv.Received.Select(r => r.Nachricht).ShouldBe([Aussonderung.Anbieteverzeichnis, Aussonderung.BewertungEmpfangBestaetigen, Aussonderung.Abgabe0503]);

        // The archive and the eAkte mean the same Vorgang.
        var x = offered.Message.Root!.Name.Namespace;
        var vorgangId = (string?)offered.Message.Descendants(x + "Vorgang").Single().Element(x + "Identifikation")!.Element(x + "ID");
        vorgangId.ShouldBe(view.Variables["eakte"]!["vorgangId"]!.GetValue<string>());
        offered.Message.Descendants(x + "Primaerdokument").ShouldBeEmpty(); // the offer carries metadata only
        ((string?)offered.Message.Descendants(x + "AnzahlJahre").Single()).ShouldBe("6");
        var handOver = _archiv.Received[2];
        handOver.Dateien.ShouldHaveSingleItem().ShouldEndWith(".xml"); // Antragsdaten.xml as primary file
        handOver.ProzessId.ShouldBe(offered.ProzessId);

        var result = view.Variables["aussonderung"]!;
        result["entscheidung"]!.GetValue<string>().ShouldBe("archivieren");
        result["archivkennung"]!.GetValue<string>().ShouldStartWith("StA-Best. 12 Nr.");
        result["phase"]!.GetValue<string>().ShouldBe("abgeschlossen");
        view.Variables["archiviert"]!.GetValue<bool>().ShouldBeTrue();
        view.Variables["kassiert"]!.GetValue<bool>().ShouldBeFalse();
    }

    [Fact]
    public void A_case_the_archive_does_not_want_is_kassiert_and_nothing_is_handed_over()
    {
        _archiv.Decision = "V";
        var engine = Engine();
        var id = engine.StartProcess("Process_EakteAussondern", Antrag());
        Advance(engine, Duration.FromDays(6 * 366));
        Advance(engine, Duration.FromMinutes(60));

        var view = engine.GetInstance(id);
        view.State.ShouldBe(InstanceState.Completed);
        view.Variables["kassiert"]!.GetValue<bool>().ShouldBeTrue();
        view.Variables["aussonderung"]!["bewertung"]!.GetValue<string>().ShouldBe("V");
        _archiv.Received.Select(r => r.Nachricht).ShouldBe([Aussonderung.Anbieteverzeichnis, Aussonderung.BewertungEmpfangBestaetigen]);
    }

    [Fact]
    public void The_activity_waits_while_the_archivist_evaluates_and_polls_again()
    {
        _archiv.HoldEvaluations = true;
        var engine = Engine();
        var id = engine.StartProcess("Process_EakteAussondern", Antrag());
        Advance(engine, Duration.FromDays(6 * 366));
        for (var i = 0; i < 3; i++) Advance(engine, Duration.FromMinutes(60));
        engine.GetInstance(id).Waiting.ShouldBe(["Task_Aussondern"]);
        engine.GetInstance(id).Variables["aussonderung"]!["phase"]!.GetValue<string>().ShouldBe("angeboten");

        _archiv.ReleaseEvaluations();
        Advance(engine, Duration.FromMinutes(60));
        engine.GetInstance(id).State.ShouldBe(InstanceState.Completed);
        _archiv.Received.Count(r => r.Nachricht == Aussonderung.Anbieteverzeichnis).ShouldBe(1);
    }

    [Fact]
    public void A_refused_import_is_a_bpmn_error_the_model_catches()
    {
        _archiv.RejectImport = true;
        var engine = Engine();
        var id = engine.StartProcess("Process_EakteAussondern", Antrag());
        Advance(engine, Duration.FromDays(6 * 366));
        Advance(engine, Duration.FromMinutes(60)); // evaluation → hand-over (answered with 0507), the 0506 refuses

        var view = engine.GetInstance(id);
        view.Incidents.ShouldBeEmpty();
        view.Waiting.ShouldBe(["Task_Klaeren"]);
        view.Variables["ablehnung"]!.GetValue<string>().ShouldContain("kein archivfähiges Format");
    }

    [Fact]
    public void The_decision_entered_by_hand_resumes_the_waiting_activity()
    {
        _archiv.HoldEvaluations = true;
        var engine = Engine();
        var id = engine.StartProcess("Process_EakteAussondern", Antrag());
        Advance(engine, Duration.FromDays(6 * 366));

        engine.ResumeActivity(id, "Task_Aussondern", new JsonObject { ["bewertung"] = "V" }).ShouldBeTrue();
        var view = engine.GetInstance(id);
        view.State.ShouldBe(InstanceState.Completed);
        view.Variables["aussonderung"]!["bewertungQuelle"]!.GetValue<string>().ShouldBe("von Hand");
        view.Variables["kassiert"]!.GetValue<bool>().ShouldBeTrue();
    }

    [Fact]
    public void An_unreachable_archive_is_retried_then_an_incident_and_the_token_is_nowhere()
    {
        _archiv.Unavailable = true;
        var engine = Engine();
        var id = engine.StartProcess("Process_EakteAussondern", Antrag());
        Advance(engine, Duration.FromDays(6 * 366));
        PackEngine.RunRetries(engine, _clock);

        var view = engine.GetInstance(id);
        view.Incidents.ShouldHaveSingleItem().Message.ShouldContain("503");
        view.Incidents.Single().ElementId.ShouldBe("Task_Aussondern");
        JsonSerializer.Serialize(new object[] { view.Variables.ToJsonString(), engine.VariableHistory(id), engine.IncidentHistory(id), view.Incidents })
            .ShouldNotContain("geheimer-archiv-schluessel");
    }

    [Fact]
    public void A_missing_archive_setting_ends_in_an_incident_that_names_it()
    {
        var settings = Settings();
        settings.Remove("Packs:Xdomea:Archiv:Endpoint");
        var engine = Engine(settings);
        var id = engine.StartProcess("Process_EakteAussondern", Antrag());
        Advance(engine, Duration.FromDays(6 * 366));
        PackEngine.RunRetries(engine, _clock);

        engine.GetInstance(id).Incidents.ShouldHaveSingleItem().Message.ShouldContain("Packs:Xdomea:Archiv:Endpoint");
        _archiv.Requests.ShouldBe(0);
    }

    [Fact]
    public void An_evaluation_that_is_not_valid_xdomea_is_not_believed()
    {
        _archiv.HoldEvaluations = true;
        var engine = Engine();
        var id = engine.StartProcess("Process_EakteAussondern", Antrag());
        Advance(engine, Duration.FromDays(6 * 366));
        var pid = engine.GetInstance(id).Variables["aussonderung"]!["prozessId"]!.GetValue<string>();
        var forged = $"<xdomea:Aussonderung.Bewertungsverzeichnis.0502 xmlns:xdomea=\"urn:xoev-de:xdomea:schema:3.1.0\"><xdomea:Kopf><xdomea:ProzessID>{pid}</xdomea:ProzessID></xdomea:Kopf></xdomea:Aussonderung.Bewertungsverzeichnis.0502>";

        engine.ResumeActivity(id, "Task_Aussondern", new JsonObject { ["nachricht"] = forged });
        PackEngine.RunRetries(engine, _clock);
        var view = engine.GetInstance(id);
        view.State.ShouldNotBe(InstanceState.Completed);
        view.Variables["aussonderung"]!["phase"]!.GetValue<string>().ShouldBe("angeboten");
        // Nothing follows a forged evaluation: no receipt, no hand-over (a retried step offers the same ProzessID again).
        _archiv.Received.Select(r => r.Nachricht).Distinct().ShouldBe([Aussonderung.Anbieteverzeichnis]);
        _archiv.Received.Select(r => r.ProzessId).Distinct().ShouldHaveSingleItem().ShouldBe(pid);
    }

    [Theory]
    [InlineData("3.0.0")]
    [InlineData("3.1.0")]
    public void The_messages_the_pack_writes_are_valid_against_the_official_schema(string version)
    {
        var folder = DmsSimulator.FindCorpusSchema(version)!;
        var schema = XdomeaSchema.Load(folder);
        var kopf = new AbgabeKopf(Abgabe.StableId("k"), DateTimeOffset.Parse("2032-12-03T09:00:00Z"), "Stadt Musterstadt", "Bürgerbüro", "Stadtarchiv");
        var vorgang = new AktenVorgang(Abgabe.StableId("v"), "Bewohnerparkausweis", "32.10.05-2026-0042", "32.10.05", "Parkausweise",
            new DateOnly(2026, 12, 1), new DateOnly(2026, 12, 3), [new Protokolleintrag(DateTimeOffset.Parse("2026-12-03T09:00:00Z"), "EGov.Workflows", "abgelegt")],
            [new AktenDokument(Abgabe.StableId("d"), "Bescheid", "Bescheid.pdf", "application/pdf", "%PDF-1.7"u8.ToArray(), DateTimeOffset.Parse("2026-12-03T09:00:00Z"))]);
        var meta = new Aussonderung.ArchivMetadaten(6, new DateOnly(2032, 12, 3), "A");

        schema.Validate(Aussonderung.Anbieten(schema.Namespace, kopf, vorgang, meta)).ShouldBeEmpty();
        schema.Validate(Aussonderung.Abgeben(schema.Namespace, kopf, vorgang, meta)).ShouldBeEmpty();
        schema.Validate(Aussonderung.BewertungBestaetigen(schema.Namespace, kopf)).ShouldBeEmpty();
    }

    [Fact]
    public void The_corpus_evaluation_and_hand_over_examples_are_read_as_the_archive_wrote_them()
    {
        // The toolkit's 0502 pattern (xdomea 3.0.0) evaluates its objects; the reader finds the decision of each.
        var corpus = Path.GetFullPath(Path.Combine(DmsSimulator.FindCorpusSchema("3.0.0")!, "..", "..", "examples", "xdomea_toolkit-patterns", "xx_Aussonderung.Bewertungsverzeichnis.0502.xml"));
        var doc = XDocument.Load(corpus);
        const string ns = "urn:xoev-de:xdomea:schema:3.0.0";
        var schema = XdomeaSchema.Load(DmsSimulator.FindCorpusSchema("3.0.0")!);
        schema.Validate(doc).ShouldBeEmpty();
        XNamespace x = ns;
        var first = doc.Root!.Elements(x + "BewertetesObjekt").First();
        var id = Guid.Parse((string)first.Element(x + "ID")!);
        var code = (string)first.Element(x + "Aussonderungsart")!.Element(x + "Aussonderungsart")!.Element("code")!;
        var read = Aussonderung.BewertungVon(doc, ns, id);
        if (code is "A" or "V") read.ShouldBe(code == "A" ? Bewertung.Archivieren : Bewertung.Kassieren);
        else read.ShouldBeNull();
    }
}
