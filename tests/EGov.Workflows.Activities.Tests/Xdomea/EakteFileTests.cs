using System.IO.Compression;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Xml.Linq;
using EGov.Workflows.Activities.Xdomea;
using EGov.Workflows.Runtime;
using EGov.Workflows.Simulators;
using NodaTime.Testing;

namespace EGov.Workflows.Activities.Tests.Xdomea;

/// <summary>eakte-file against a DMS on loopback that validates xdomea against the official XSD (<see cref="DmsSimulator"/>), through the engine.</summary>
public sealed class EakteFileTests : IAsyncLifetime
{
    private const string Model = "Xdomea/EakteFileTests.bpmn";
    private static readonly string Schema = DmsSimulator.FindCorpusSchema()
        ?? throw new InvalidOperationException("the xdomea schema of ../shared/corpora/xdomea/schemas/3.1.0 is not there");
    private DmsSimulator _dms = null!;
    private readonly FakeClock _clock = PackEngine.Clock();

    public Task InitializeAsync() { _dms = DmsSimulator.Start(Schema); return Task.CompletedTask; }
    public async Task DisposeAsync() => await _dms.DisposeAsync();

    private Dictionary<string, string?> Settings(string? endpoint = null) => new()
    {
        ["Packs:Xdomea:SchemaDirectory"] = Schema,
        ["Packs:Xdomea:Behoerde"] = "Stadt Musterstadt",
        ["Packs:Xdomea:Organisationseinheit"] = "Bürgerbüro",
        ["Packs:Xdomea:Endpoint"] = endpoint ?? _dms.Endpoint,
        ["Packs:Xdomea:ApiKey"] = "geheimer-dms-schluessel",
        ["Packs:Xdomea:RetryDelayMilliseconds"] = "1",
        ["Packs:Xdomea:Retries"] = "2",
    };

    private WorkflowEngine Engine(Dictionary<string, string?> settings) =>
        PackEngine.Create((s, c) => s.AddEgovXdomea(c), settings, _clock, "default", Model);

    private static JsonObject Antrag(string name = "Erika Mustermann") => new()
    {
        ["antrag"] = new JsonObject { ["name"] = name, ["kennzeichen"] = "DA-EM 123", ["strasse"] = "Luisenplatz 1" },
        ["dokumente"] = new JsonArray(new JsonObject { ["name"] = "Fahrzeugschein.pdf", ["contentType"] = "application/pdf", ["inhalt"] = Convert.ToBase64String("%PDF-1.7 Fahrzeugschein"u8.ToArray()) }),
        ["verlauf"] = new JsonArray(new JsonObject { ["zeit"] = "2026-12-02T10:00:00Z", ["akteur"] = "Sachbearbeitung", ["aktion"] = "Antrag geprüft und bewilligt" }),
    };

    [Fact]
    public void The_case_is_filed_and_the_dms_reference_becomes_the_output()
    {
        _dms.RequiredToken = "geheimer-dms-schluessel";
        var engine = Engine(Settings());
        var id = engine.StartProcess("Process_EakteFile", Antrag());

        var view = engine.GetInstance(id);
        view.Incidents.ShouldBeEmpty();
        view.State.ShouldBe(InstanceState.Completed);
        var filed = _dms.Vorgaenge.ShouldHaveSingleItem();
        filed.Betreff.ShouldBe("Anwohnerparkausweis Erika Mustermann");
        filed.Aktenzeichen.ShouldStartWith("32.10.05-");
        filed.Dateien.Count.ShouldBe(2); // the form data and the document
        var x = filed.Message.Root!.Name.Namespace;
        x.NamespaceName.ShouldBe("urn:xoev-de:xdomea:schema:3.1.0");
        filed.Message.Descendants(x + "HistorienProtokollInformation").Select(h => (string?)h.Element(x + "Aktion")).ShouldContain("Antrag geprüft und bewilligt");
        var eakte = view.Variables["eakte"]!;
        eakte["dmsAktenzeichen"]!.GetValue<string>().ShouldBe(filed.DmsAktenzeichen);
        eakte["quittung"]!.GetValue<string>().ShouldBe("Abgabe.ImportBestaetigen.0402");
        eakte["aktenzeichen"]!.GetValue<string>().ShouldBe(filed.Aktenzeichen);
        eakte["prozessId"]!.GetValue<string>().ShouldBe(filed.ProzessId);
    }

    [Fact]
    public void A_message_that_fails_the_xsd_is_never_sent_and_the_incident_names_the_schema_error()
    {
        var engine = Engine(Settings());
        var variables = Antrag();
        variables["vertraulichkeitsstufe"] = "007"; // not in the code list Vertraulichkeitsstufe the schema enumerates
        var id = engine.StartProcess("Process_EakteFile", variables);
        PackEngine.RunRetries(engine, _clock);

        var incident = engine.GetInstance(id).Incidents.ShouldHaveSingleItem();
        incident.ElementId.ShouldBe("Task_Ablegen");
        incident.Message.ShouldContain("fails the schema 3.1.0 and was not sent");
        incident.Message.ShouldContain("007");
        _dms.Requests.ShouldBe(0);
    }

    [Fact]
    public void A_dms_that_is_down_is_retried_with_back_off_and_then_an_incident()
    {
        _dms.Unavailable = true;
        var engine = Engine(Settings());
        var id = engine.StartProcess("Process_EakteFile", Antrag());
        engine.GetInstance(id).Incidents.ShouldBeEmpty(); // the engine retries the step later
        _dms.Requests.ShouldBe(3); // one attempt and two HTTP retries per step

        PackEngine.RunRetries(engine, _clock);

        var incident = engine.GetInstance(id).Incidents.ShouldHaveSingleItem();
        incident.Message.ShouldContain("503");
        (_dms.Requests % 3).ShouldBe(0);
        _dms.Requests.ShouldBeGreaterThan(3);
        _dms.Vorgaenge.ShouldBeEmpty();
    }

    [Fact]
    public void A_dms_that_cannot_be_reached_ends_in_an_incident_naming_the_endpoint()
    {
        var closed = $"http://127.0.0.1:{EGov.Workflows.Activities.Tests.Notifications.SmtpSimulatorPort.Unused()}/xdomea/import";
        var engine = Engine(Settings(closed));
        var id = engine.StartProcess("Process_EakteFile", Antrag());
        PackEngine.RunRetries(engine, _clock);

        engine.GetInstance(id).Incidents.ShouldHaveSingleItem().Message.ShouldContain(closed);
    }

    [Fact]
    public void A_short_outage_is_bridged_by_the_http_retry()
    {
        _dms.UnavailableFor(1);
        var engine = Engine(Settings());
        var id = engine.StartProcess("Process_EakteFile", Antrag());

        engine.GetInstance(id).State.ShouldBe(InstanceState.Completed);
        _dms.Requests.ShouldBe(2);
        _dms.Vorgaenge.ShouldHaveSingleItem();
    }

    [Fact]
    public void Sending_the_same_filing_twice_files_it_once_with_one_dms_reference()
    {
        var engine = Engine(Settings());
        var first = Antrag();
        first["idempotencyKey"] = "fall-2026-0042";
        var a = engine.StartProcess("Process_EakteFile", first);
        var second = Antrag();
        second["idempotencyKey"] = "fall-2026-0042";
        var b = engine.StartProcess("Process_EakteFile", second);

        _dms.Requests.ShouldBe(2);
        _dms.Vorgaenge.ShouldHaveSingleItem();
        var refA = engine.GetInstance(a).Variables["eakte"]!["dmsAktenzeichen"]!.GetValue<string>();
        engine.GetInstance(b).Variables["eakte"]!["dmsAktenzeichen"]!.GetValue<string>().ShouldBe(refA);
        engine.GetInstance(b).Variables["eakte"]!["prozessId"]!.GetValue<string>().ShouldBe(engine.GetInstance(a).Variables["eakte"]!["prozessId"]!.GetValue<string>());
    }

    [Fact]
    public void A_refused_import_is_a_bpmn_error_the_model_catches()
    {
        _dms.RejectAll = true;
        var engine = Engine(Settings());
        var id = engine.StartProcess("Process_EakteFile", Antrag());

        var view = engine.GetInstance(id);
        view.Incidents.ShouldBeEmpty();
        view.Waiting.ShouldBe(["Task_Ablage_Klaeren"]);
        view.Variables["ablehnung"]!.GetValue<string>().ShouldContain("Aktenplaneinheit ist im DMS nicht angelegt");
    }

    [Fact]
    public void A_missing_setting_ends_in_an_incident_that_names_it_and_nothing_is_sent()
    {
        var settings = Settings();
        settings.Remove("Packs:Xdomea:SchemaDirectory");
        var engine = Engine(settings);
        var id = engine.StartProcess("Process_EakteFile", Antrag());
        PackEngine.RunRetries(engine, _clock);

        engine.GetInstance(id).Incidents.ShouldHaveSingleItem().Message
            .ShouldContain("Packs:Xdomea:SchemaDirectory (or, for tenant 'default' only, Tenants:default:Xdomea:SchemaDirectory)");
        _dms.Requests.ShouldBe(0);
    }

    [Fact]
    public void The_dms_token_appears_in_no_variable_history_or_incident()
    {
        _dms.RequiredToken = "ein-anderer-schluessel"; // 401: fails, so incident texts are checked as well
        var engine = Engine(Settings());
        var id = engine.StartProcess("Process_EakteFile", Antrag());
        PackEngine.RunRetries(engine, _clock);

        var view = engine.GetInstance(id);
        view.Incidents.ShouldHaveSingleItem().Message.ShouldContain("401");
        JsonSerializer.Serialize(new object[] { view.Variables.ToJsonString(), engine.VariableHistory(id), engine.IncidentHistory(id), view.Incidents })
            .ShouldNotContain("geheimer-dms-schluessel");
    }

    [Fact]
    public void The_import_folder_receives_the_container_with_message_and_primary_files()
    {
        var folder = Directory.CreateTempSubdirectory("egov-akte-").FullName;
        try
        {
            var settings = Settings();
            settings["Packs:Xdomea:Delivery"] = "Directory";
            settings["Packs:Xdomea:Directory"] = folder;
            var engine = Engine(settings);
            var id = engine.StartProcess("Process_EakteFile", Antrag());

            engine.GetInstance(id).State.ShouldBe(InstanceState.Completed);
            var zipPath = Directory.GetFiles(folder, "*.zip").ShouldHaveSingleItem();
            Path.GetFileName(zipPath).ShouldEndWith("_Abgabe.Abgabe.0401.zip");
            using var zip = ZipFile.OpenRead(zipPath);
            zip.Entries.Count.ShouldBe(3);
            var xml = zip.Entries.Single(e => e.FullName.EndsWith(".xml", StringComparison.Ordinal) && e.FullName.Contains("Abgabe", StringComparison.Ordinal));
            using var s = xml.Open();
            XDocument.Load(s).Root!.Name.LocalName.ShouldBe("Abgabe.Abgabe.0401");
        }
        finally { Directory.Delete(folder, recursive: true); }
    }
}
