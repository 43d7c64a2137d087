using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using EGov.Workflows.Activities.FitConnect;
using EGov.Workflows.Runtime;
using EGov.Workflows.Simulators;
using NodaTime.Testing;

namespace EGov.Workflows.Activities.Tests.FitConnect;

/// <summary>fitconnect-send against the FIT-Connect simulator on loopback, which decrypts with the destination's private key and checks metadata and hashes.</summary>
public sealed class FitConnectSendTests : IAsyncLifetime
{
    private const string Model = "FitConnect/FitConnectSendTests.bpmn";
    private static readonly string MetadataSchema = FitConnectSimulator.FindCorpusMetadataSchema()
        ?? throw new InvalidOperationException("the metadata schema of ../shared/corpora/fit-connect is not there");
    private FitConnectSimulator _fc = null!;
    private readonly FakeClock _clock = PackEngine.Clock();

    public Task InitializeAsync() { _fc = FitConnectSimulator.Start(MetadataSchema); return Task.CompletedTask; }
    public async Task DisposeAsync() => await _fc.DisposeAsync();

    private Dictionary<string, string?> Settings(string? api = null) => new()
    {
        ["Packs:FitConnect:TokenUrl"] = _fc.TokenUrl,
        ["Packs:FitConnect:SubmissionApiUrl"] = api ?? _fc.BaseUrl,
        ["Packs:FitConnect:ClientId"] = _fc.ClientId,
        ["Packs:FitConnect:ClientSecret"] = _fc.ClientSecret,
        ["Packs:FitConnect:MetadataSchema"] = MetadataSchema,
        ["Packs:FitConnect:RetryDelayMilliseconds"] = "1",
    };

    private WorkflowEngine Engine(Dictionary<string, string?> settings) =>
        PackEngine.Create((s, c) => s.AddEgovFitConnect(c), settings, _clock, "default", Model);

    private JsonObject Antrag(string? zustellpunkt = null) => new()
    {
        ["zustellpunkt"] = zustellpunkt ?? _fc.DestinationId,
        ["antrag"] = new JsonObject { ["name"] = "Erika Mustermann", ["kennzeichen"] = "DA-EM 123", ["zone"] = "A" },
        ["anlagen"] = new JsonArray(
            new JsonObject { ["name"] = "Fahrzeugschein.pdf", ["contentType"] = "application/pdf", ["inhalt"] = Convert.ToBase64String("%PDF-1.7 Fahrzeugschein"u8.ToArray()) },
            new JsonObject { ["name"] = "Antrag.txt", ["contentType"] = "text/plain", ["text"] = "Antrag als Text", ["zweck"] = "form" }),
    };

    [Fact]
    public void The_submission_arrives_encrypted_and_the_destination_decrypts_it_with_valid_metadata_and_hashes()
    {
        var engine = Engine(Settings());
        var id = engine.StartProcess("Process_FitConnectSend", Antrag());

        var view = engine.GetInstance(id);
        view.Incidents.ShouldBeEmpty();
        view.State.ShouldBe(InstanceState.Completed);
        var s = _fc.Submissions.ShouldHaveSingleItem();
        s.Status.ShouldBe("submitted");
        s.Problems.ShouldBeEmpty();
        s.ServiceIdentifier.ShouldBe("urn:de:fim:leika:leistung:99108001000000");
        JsonNode.Parse(s.Data!)!["kennzeichen"]!.GetValue<string>().ShouldBe("DA-EM 123");
        s.Attachments.Values.Select(Encoding.UTF8.GetString).ShouldBe(["%PDF-1.7 Fahrzeugschein", "Antrag als Text"], ignoreOrder: true);
        s.EncryptedData!.ShouldNotContain("Mustermann"); // what the Zustelldienst holds is ciphertext
        var output = view.Variables["fitconnect"]!;
        output["submissionId"]!.GetValue<string>().ShouldBe(s.SubmissionId);
        output["caseId"]!.GetValue<string>().ShouldBe(s.CaseId);
    }

    [Fact]
    public void A_retried_send_with_the_same_key_announces_one_submission()
    {
        var engine = Engine(Settings());
        var first = Antrag();
        first["idempotencyKey"] = "weiterleitung-0042";
        var a = engine.StartProcess("Process_FitConnectSend", first);
        var second = Antrag();
        second["idempotencyKey"] = "weiterleitung-0042";
        var b = engine.StartProcess("Process_FitConnectSend", second);

        _fc.Submissions.ShouldHaveSingleItem();
        engine.GetInstance(b).Variables["fitconnect"]!["submissionId"]!.GetValue<string>()
            .ShouldBe(engine.GetInstance(a).Variables["fitconnect"]!["submissionId"]!.GetValue<string>());
        engine.GetInstance(b).State.ShouldBe(InstanceState.Completed);
    }

    [Fact]
    public void An_unknown_destination_is_a_bpmn_error_the_model_catches()
    {
        var engine = Engine(Settings());
        var id = engine.StartProcess("Process_FitConnectSend", Antrag("00000000-0000-4000-8000-000000000000"));

        var view = engine.GetInstance(id);
        view.Incidents.ShouldBeEmpty();
        view.Waiting.ShouldBe(["Task_Klaeren"]);
        view.Variables["ablehnung"]!.GetValue<string>().ShouldContain("destination-not-found");
        _fc.Submissions.ShouldBeEmpty();
    }

    [Fact]
    public void A_destination_that_does_not_take_the_service_is_a_bpmn_error()
    {
        _fc.Services.Clear();
        _fc.Services.Add("urn:de:fim:leika:leistung:99000000000000");
        var engine = Engine(Settings());
        var id = engine.StartProcess("Process_FitConnectSend", Antrag());

        engine.GetInstance(id).Waiting.ShouldBe(["Task_Klaeren"]);
        _fc.Submissions.ShouldBeEmpty();
    }

    [Fact]
    public void A_refused_client_secret_ends_in_an_incident_and_the_secret_appears_nowhere()
    {
        var settings = Settings();
        settings["Packs:FitConnect:ClientSecret"] = "falsches-geheimnis-4711";
        var engine = Engine(settings);
        var id = engine.StartProcess("Process_FitConnectSend", Antrag());
        PackEngine.RunRetries(engine, _clock);

        var view = engine.GetInstance(id);
        view.Incidents.ShouldHaveSingleItem().Message.ShouldContain("401");
        JsonSerializer.Serialize(new object[] { view.Variables.ToJsonString(), engine.VariableHistory(id), engine.IncidentHistory(id), view.Incidents })
            .ShouldNotContain("falsches-geheimnis-4711");
        _fc.Submissions.ShouldBeEmpty();
    }

    [Fact]
    public void An_api_that_is_down_is_retried_and_then_an_incident()
    {
        _fc.Unavailable = true;
        var engine = Engine(Settings());
        var id = engine.StartProcess("Process_FitConnectSend", Antrag());
        engine.GetInstance(id).Incidents.ShouldBeEmpty();
        _fc.Requests.ShouldBe(3); // the token request: one attempt and two retries

        PackEngine.RunRetries(engine, _clock);

        engine.GetInstance(id).Incidents.ShouldHaveSingleItem().Message.ShouldContain("503");
    }

    [Fact]
    public void A_missing_setting_ends_in_an_incident_that_names_it()
    {
        var settings = Settings();
        settings.Remove("Packs:FitConnect:ClientSecret");
        var engine = Engine(settings);
        var id = engine.StartProcess("Process_FitConnectSend", Antrag());
        PackEngine.RunRetries(engine, _clock);

        engine.GetInstance(id).Incidents.ShouldHaveSingleItem().Message.ShouldContain("Packs:FitConnect:ClientSecret (or, for tenant 'default' only, Tenants:default:FitConnect:ClientSecret)");
        _fc.Requests.ShouldBe(0);
    }

    [Fact]
    public void Metadata_that_fails_the_schema_is_not_sent()
    {
        var engine = Engine(Settings());
        var variables = Antrag();
        ((JsonObject)variables["anlagen"]![0]!)["contentType"] = "kein mime type"; // the schema's mimeType pattern refuses it
        var id = engine.StartProcess("Process_FitConnectSend", variables);
        PackEngine.RunRetries(engine, _clock);

        engine.GetInstance(id).Incidents.ShouldHaveSingleItem().Message.ShouldContain("fails the schema");
        _fc.Requests.ShouldBe(0);
    }
}
