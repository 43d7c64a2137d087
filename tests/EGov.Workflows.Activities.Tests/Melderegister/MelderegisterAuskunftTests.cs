using System.Text.Json.Nodes;
using EGov.Workflows.Activities.Melderegister;
using EGov.Workflows.Runtime;
using EGov.Workflows.Simulators;
using NodaTime.Testing;

namespace EGov.Workflows.Activities.Tests.Melderegister;

/// <summary><c>melderegister-auskunft</c> against the Melderegister simulator on loopback (HTTP, bearer key, idempotent request id).</summary>
public sealed class MelderegisterAuskunftTests : IAsyncLifetime
{
    private MelderegisterSimulator _register = null!;
    private readonly FakeClock _clock = PackEngine.Clock();

    public async Task InitializeAsync() => _register = await MelderegisterSimulator.StartAsync();
    public async Task DisposeAsync() => await _register.DisposeAsync();

    private WorkflowEngine Engine(string? apiKey = null, string? behoerde = "Straßenverkehrsbehörde Musterstadt") =>
        PackEngine.Create((s, c) => s.AddEgovMelderegister(c), new Dictionary<string, string?>
        {
            ["Packs:Melderegister:BaseUrl"] = _register.BaseUrl,
            ["Packs:Melderegister:Behoerde"] = behoerde,
            ["Packs:Melderegister:ApiKey"] = apiKey ?? _register.ApiKey,
            ["Packs:Melderegister:Retries"] = "2",
            ["Packs:Melderegister:RetryDelayMilliseconds"] = "1",
        }, _clock, "default", "Melderegister/MelderegisterAuskunftTests.bpmn");

    private static JsonObject Antrag(string name, string strasse, string plz) => new()
    {
        ["antragsteller"] = new JsonObject { ["name"] = name, ["anschrift"] = new JsonObject { ["strasse"] = strasse, ["plz"] = plz, ["ort"] = "Musterstadt" } },
    };

    private static JsonNode Auskunft(WorkflowEngine engine, string id) => engine.GetInstance(id).Variables["melderegister"]!;

    [Fact]
    public void A_resident_with_main_residence_at_the_address_is_confirmed()
    {
        var engine = Engine();
        var id = engine.StartProcess("Process_Melderegister", Antrag("Erika Mustermann", "Rathausstraße 5", "12345"), "VG-2026-0001");

        engine.GetInstance(id).State.ShouldBe(InstanceState.Completed);
        var a = Auskunft(engine, id);
        ((string?)a["ergebnis"]).ShouldBe("TREFFER");
        ((string?)a["wohnungsstatus"]).ShouldBe("HAUPTWOHNUNG");
        ((bool)a["hauptwohnsitzAnAnschrift"]!).ShouldBeTrue();
        var logged = _register.Log.ShouldHaveSingleItem();
        ((string?)logged["behoerde"]).ShouldBe("Straßenverkehrsbehörde Musterstadt");
        ((string?)logged["zweck"]).ShouldBe("Bewohnerparkausweis");
    }

    [Fact]
    public void A_secondary_residence_is_a_hit_but_no_main_residence()
    {
        var engine = Engine();
        var id = engine.StartProcess("Process_Melderegister", Antrag("Max Beispiel", "Bahnhofstr. 12 a", "12345"));
        var a = Auskunft(engine, id);
        ((string?)a["wohnungsstatus"]).ShouldBe("NEBENWOHNUNG");
        ((bool)a["anschriftStimmtUeberein"]!).ShouldBeTrue();
        ((bool)a["hauptwohnsitzAnAnschrift"]!).ShouldBeFalse();
    }

    [Fact]
    public void Someone_registered_elsewhere_ambiguous_or_not_at_all_is_no_confirmation_and_no_record_is_disclosed()
    {
        var engine = Engine();
        var elsewhere = engine.StartProcess("Process_Melderegister", Antrag("Anna Schmidt", "Marktplatz 1", "12345"));
        var twoErikas = engine.StartProcess("Process_Melderegister", Antrag("Erika Mustermann", "Marktplatz 1", "12345"));
        var unknown = engine.StartProcess("Process_Melderegister", Antrag("Otto Normal", "Rathausstraße 5", "12345"));

        var a = Auskunft(engine, elsewhere);
        ((string?)a["ergebnis"]).ShouldBe("TREFFER");
        ((bool)a["anschriftStimmtUeberein"]!).ShouldBeFalse();
        ((bool)a["hauptwohnsitzAnAnschrift"]!).ShouldBeFalse();
        a.AsObject().Select(kv => kv.Key).ShouldBe(["ergebnis", "wohnungsstatus", "anschriftStimmtUeberein", "hauptwohnsitzAnAnschrift", "anfrageId", "auskunftAm"], ignoreOrder: true);
        ((string?)Auskunft(engine, unknown)["ergebnis"]).ShouldBe("KEIN_TREFFER");
        ((string?)Auskunft(engine, twoErikas)["ergebnis"]).ShouldBe("MEHRDEUTIG"); // two Erika Mustermanns, neither at that address
        ((bool)Auskunft(engine, twoErikas)["hauptwohnsitzAnAnschrift"]!).ShouldBeFalse();
        ((bool)Auskunft(engine, unknown)["hauptwohnsitzAnAnschrift"]!).ShouldBeFalse();
    }

    [Fact]
    public void A_wrong_key_is_an_incident_that_names_the_setting_but_not_the_key()
    {
        var engine = Engine(apiKey: "falscher-schluessel-4711");
        var id = engine.StartProcess("Process_Melderegister", Antrag("Erika Mustermann", "Rathausstraße 5", "12345"));
        PackEngine.RunRetries(engine, _clock);

        var incident = engine.GetInstance(id).Incidents.ShouldHaveSingleItem();
        incident.Message.ShouldContain("Packs:Melderegister:ApiKey");
        incident.Message.ShouldNotContain("falscher-schluessel-4711");
        engine.GetInstance(id).Variables.ContainsKey("melderegister").ShouldBeFalse();
    }

    [Fact]
    public void A_register_that_is_down_is_retried_with_back_off_then_an_incident()
    {
        _register.Down = true;
        var engine = Engine();
        var id = engine.StartProcess("Process_Melderegister", Antrag("Erika Mustermann", "Rathausstraße 5", "12345"));
        PackEngine.RunRetries(engine, _clock);

        engine.GetInstance(id).Incidents.ShouldHaveSingleItem().Message.ShouldContain("503");
        _register.Requests.ShouldBe(3 * 3); // three tries of the engine (R2), each with two HTTP retries
    }

    [Fact]
    public void A_missing_setting_is_an_incident_that_names_it_and_nothing_is_asked()
    {
        var engine = Engine(behoerde: null);
        var id = engine.StartProcess("Process_Melderegister", Antrag("Erika Mustermann", "Rathausstraße 5", "12345"));
        PackEngine.RunRetries(engine, _clock);

        engine.GetInstance(id).Incidents.ShouldHaveSingleItem().Message.ShouldContain("Packs:Melderegister:Behoerde");
        _register.Requests.ShouldBe(0);
    }

    [Fact]
    public void A_malformed_postcode_is_refused_before_the_register_is_asked()
    {
        var engine = Engine();
        var id = engine.StartProcess("Process_Melderegister", Antrag("Erika Mustermann", "Rathausstraße 5", "1234"));
        PackEngine.RunRetries(engine, _clock);

        engine.GetInstance(id).Incidents.ShouldHaveSingleItem().Message.ShouldContain("'1234' is no German postcode");
        _register.Requests.ShouldBe(0);
    }

    [Fact]
    public async Task The_request_id_is_stable_per_case_and_task_so_a_repeated_request_is_answered_once()
    {
        _register.DelayMilliseconds = 0;
        var engine = Engine();
        var first = engine.StartProcess("Process_Melderegister", Antrag("Erika Mustermann", "Rathausstraße 5", "12345"));
        var second = engine.StartProcess("Process_Melderegister", Antrag("Erika Mustermann", "Rathausstraße 5", "12345"));

        var idFirst = (string)Auskunft(engine, first)["anfrageId"]!;
        idFirst.ShouldNotBe((string)Auskunft(engine, second)["anfrageId"]!);
        _register.Log.Count.ShouldBe(2);

        // The same request again (a retry after a lost answer) is answered from the register's log, not logged twice.
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, _register.BaseUrl + "/v1/auskuenfte")
        {
            Content = new StringContent($$$"""{"anfrageId":"{{{idFirst}}}","behoerde":"x","person":{"familienname":"Otto"},"anschrift":{"strasse":"Marktplatz 1","postleitzahl":"12345"}}""", System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", _register.ApiKey);
        using var response = await http.SendAsync(request);
        var again = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        ((string?)again["ergebnis"]).ShouldBe("TREFFER");
        _register.Log.Count.ShouldBe(2);
    }
}
