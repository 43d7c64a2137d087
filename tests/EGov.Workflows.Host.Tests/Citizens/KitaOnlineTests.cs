using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using EGov.Workflows.Host.Citizens;

namespace EGov.Workflows.Host.Tests.Citizens;

/// <summary>
/// The life chain on the citizen side (issue 17 item 9), with the models of processes/kita and processes/kindergeld as
/// deployed: parents apply online for a Kita place signed in with BundID (the start form with the identity fields from
/// BundID; the case belongs to their account), an application against the municipality's rules is refused with the
/// reason, and a case started by a message (from the birth registration, with the consenting parent's account in the
/// consented data) is followed by that parent on "Meine Vorgänge" — another citizen gets the same 404 as for an unknown case.
/// </summary>
public sealed class KitaOnlineTests(BundIdEnvironment env) : IClassFixture<BundIdEnvironment>, IAsyncLifetime
{
    private const string Kita = "Process_KitaAnmeldung", Kindergeld = "Process_Kindergeld";
    private string _staffToken = "";

    public async Task InitializeAsync()
    {
        if (BundIdFactAttribute.SkipReason is not null) return;
        _staffToken = await new Identities(env.Server).ClientTokenAsync("staff-" + Guid.NewGuid().ToString("N")[..8], Identities.AllRoles, ["*"], ["*"]);
        using var http = Staff();
        if (!(await http.GetAsync($"/api/process-definitions/{Kita}")).IsSuccessStatusCode)
        {
            using var form = new MultipartFormDataContent();
            var dir = Path.Combine(Root(), "processes", "kita");
            foreach (var file in new[] { "kita.bpmn", "kita-vergabe.dmn" }.Select(f => Path.Combine(dir, f)).Concat(Directory.GetFiles(Path.Combine(dir, "forms"), "*.form")))
            {
                var content = new ByteArrayContent(await File.ReadAllBytesAsync(file));
                content.Headers.ContentType = new MediaTypeHeaderValue(file.EndsWith(".form", StringComparison.Ordinal) ? "application/json" : "application/xml");
                form.Add(content, "files", Path.GetFileName(file));
            }
            using var deployed = await http.PostAsync("/api/deployments", form);
            ((int)deployed.StatusCode).ShouldBe(201, await deployed.Content.ReadAsStringAsync());
        }
        using var kita = await http.PutAsJsonAsync("/api/kita/einrichtungen/sonnenschein", new { name = "Kita Sonnenschein", adresse = "Lindenweg 3", plaetzeU3 = 3, plaetzeUe3 = 3 });
        ((int)kita.StatusCode).ShouldBe(200, await kita.Content.ReadAsStringAsync());
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [BundIdFact]
    public async Task Parents_ApplyOnlineWithBundId_AndFollowTheirCase_ThroughTheWaitingListToTheOffer()
    {
        // U11 proved name and e-mail but no address: those fields are theirs to answer; the name is BundID's and read-only.
        var (client, _) = await SignInAsync("U11");
        (await client.GetFromJsonAsync<JsonArray>("/api/citizen/services"))!.Select(s => s!["processId"]!.GetValue<string>()).ShouldContain(Kita);
        var form = JsonNode.Parse(await client.GetStringAsync($"/api/citizen/services/{Kita}/form"))!;
        form["identityFields"]!.AsArray().Select(f => f!.GetValue<string>()).ShouldBe(["vorname", "nachname", "email"], ignoreOrder: true);
        form["data"]!["nachname"]!.GetValue<string>().ShouldBe("Karlsson");

        using var start = await client.PostAsJsonAsync($"/api/citizen/services/{Kita}/start", new
        {
            data = new
            {
                vorname = "Mallory", strasse = "Lindenweg 5", plz = "64283", ort = "Musterstadt", kindVorname = "Ida", kindFamilienname = "Karlsson",
                kindGeburtsdatum = "2025-11-03", beginn = "2027-01-04", wunsch1 = "sonnenschein", geschwisterKita = false, berufstaetigkeit = "beide", haertefall = false,
            },
        });
        var body = await start.Content.ReadAsStringAsync();
        ((int)start.StatusCode).ShouldBe(201, body);
        var id = JsonNode.Parse(body)!["id"]!.GetValue<string>();

        var status = await StatusAsync(client, id, s => s["milestones"]!.AsArray().Any(m => m!["name"]!.GetValue<string>() == "Platz angeboten" && m["reachedAt"] is not null));
        status["status"]!.GetValue<string>().ShouldBe("in Bearbeitung");
        Reached(status).ShouldBe(["Online-Anmeldung eingegangen", "Auf der Warteliste", "Platz angeboten"]);
        status.ToJsonString().ShouldNotContain("Karlsson", Case.Sensitive, "the citizen pages show milestones, not the case's data");

        using var staff = Staff();
        var variables = JsonNode.Parse(await staff.GetStringAsync($"/api/process-instances/{id}"))!["variables"]!;
        variables["kitaDaten"]!["eltern"]!["name"]!.GetValue<string>().ShouldBe("Nils Karlsson", "the name is BundID's, not the body's");
        variables["kitaDaten"]!["eltern"]!["email"]!.GetValue<string>().ShouldBe("niels.karlsson@example.com");
    }

    [BundIdFact]
    public async Task AnApplicationFromOutsideTheMunicipality_IsRefusedWithTheReason_AndTheCitizenSeesItEnded()
    {
        var (client, _) = await SignInAsync("U01"); // Berlin, proved by BundID: the address cannot be changed in the form
        using var start = await client.PostAsJsonAsync($"/api/citizen/services/{Kita}/start", new
        {
            data = new { ort = "Musterstadt", kindVorname = "Paul", kindFamilienname = "Neumann", kindGeburtsdatum = "2025-06-01", beginn = "2026-09-01", wunsch1 = "sonnenschein", berufstaetigkeit = "einer", haertefall = false },
        });
        var body = await start.Content.ReadAsStringAsync();
        ((int)start.StatusCode).ShouldBe(201, body);
        var id = JsonNode.Parse(body)!["id"]!.GetValue<string>();
        var status = await StatusAsync(client, id, s => s["status"]!.GetValue<string>() == "abgeschlossen");
        Reached(status).ShouldBe(["Online-Anmeldung eingegangen", "Anmeldung abgelehnt"]);
        using var staff = Staff();
        var variables = JsonNode.Parse(await staff.GetStringAsync($"/api/process-instances/{id}"))!["variables"]!;
        variables["onlineAblehnungsgrund"]!.GetValue<string>().ShouldContain("Wohnsitz in Musterstadt");
        variables["kitaDaten"]!["eltern"]!["anschrift"]!.GetValue<string>().ShouldContain("Berlin");
    }

    [BundIdFact]
    public async Task ACaseStartedByTheBirthRegistration_IsFollowedByTheConsentingParent_AndByNobodyElse()
    {
        var (mother, _) = await SignInAsync("U04");
        var (other, _) = await SignInAsync("U07");
        var aktenzeichen = "G-2026-" + Random.Shared.Next(1000, 9999);
        using var staff = Staff();
        using (var sent = await staff.PostAsJsonAsync("/api/messages", new
        {
            name = "Lebenslage_Geburt_Kita", correlationKey = aktenzeichen,
            variables = new
            {
                kitaDaten = new
                {
                    kind = new { vorname = "Emil", familienname = "Kleinschmidt", geburtsdatum = "2026-03-02" },
                    eltern = new { name = "Johanna Kleinschmidt", email = "j.kleinschm@example.com" },
                    buergerkonto = CitizenIdentity.OwnerOf("BUNDIDSIM-U04"),
                },
            },
        }))
            ((int)sent.StatusCode).ShouldBe(200, await sent.Content.ReadAsStringAsync());

        JsonNode? found = null;
        for (var i = 0; i < 50 && found is null; i++)
        {
            found = (await mother.GetFromJsonAsync<JsonArray>("/api/citizen/cases"))!.FirstOrDefault(c => c!["aktenzeichen"]!.GetValue<string>() == aktenzeichen);
            if (found is null) await Task.Delay(200);
        }
        found.ShouldNotBeNull("the consenting parent's account owns the case started by the message");
        var id = found["id"]!.GetValue<string>();
        var status = await StatusAsync(mother, id, _ => true);
        Reached(status).ShouldContain("Kita-Anmeldung angeboten");
        status["service"]!.GetValue<string>().ShouldBe("Kita-Platz anmelden");
        (await mother.GetStringAsync("/buerger/vorgaenge")).ShouldContain(aktenzeichen);

        (await other.GetFromJsonAsync<JsonArray>("/api/citizen/cases"))!.Select(c => c!["id"]!.GetValue<string>()).ShouldNotContain(id);
        using (var refused = await other.GetAsync($"/api/citizen/cases/{id}/status"))
            refused.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        using (var unknown = await other.GetAsync($"/api/citizen/cases/{Guid.NewGuid():N}/status"))
            unknown.StatusCode.ShouldBe(HttpStatusCode.NotFound, "another's case answers as an unknown one");
        using (var page = await other.GetAsync($"/buerger/vorgaenge/{id}"))
            page.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await other.GetStringAsync("/buerger/vorgaenge")).ShouldNotContain(aktenzeichen);

        // A header or body naming the mother's account changes nothing: the identity is the session's.
        using var forged = new HttpRequestMessage(HttpMethod.Get, $"/api/citizen/cases/{id}/status");
        forged.Headers.Add("X-Citizen-Id", CitizenIdentity.OwnerOf("BUNDIDSIM-U04"));
        forged.Headers.Add("X-Owner", CitizenIdentity.OwnerOf("BUNDIDSIM-U04"));
        using (var answer = await other.SendAsync(forged))
            answer.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        using (var anonymous = await env.Browser().Client.GetAsync($"/api/citizen/cases/{id}/status"))
            ((int)anonymous.StatusCode).ShouldBeOneOf(401, 403);
    }

    private static IEnumerable<string> Reached(JsonNode status) =>
        status["milestones"]!.AsArray().Where(m => m!["reachedAt"] is not null).Select(m => m!["name"]!.GetValue<string>()).ToList();

    private static async Task<JsonNode> StatusAsync(HttpClient client, string id, Func<JsonNode, bool> until)
    {
        JsonNode status = null!;
        for (var i = 0; i < 50; i++)
        {
            using var response = await client.GetAsync($"/api/citizen/cases/{id}/status");
            var text = await response.Content.ReadAsStringAsync();
            ((int)response.StatusCode).ShouldBe(200, text);
            status = JsonNode.Parse(text)!;
            if (until(status)) return status;
            await Task.Delay(200);
        }
        return status;
    }

    private Task<(HttpClient Client, CookieContainer Cookies)> SignInAsync(string user, string level = "STORK-QAA-Level-3") =>
        env.SignedInCitizenAsync(user, level);

    private HttpClient Staff()
    {
        var http = new HttpClient { BaseAddress = env.Server.BaseAddress };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", _staffToken);
        return http;
    }

    private static string Root()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "EGov.Workflows.sln"))) return dir.FullName;
        throw new DirectoryNotFoundException("cannot find EGov.Workflows.sln above " + AppContext.BaseDirectory);
    }
}
